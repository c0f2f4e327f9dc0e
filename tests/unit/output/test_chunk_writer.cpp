// The output layer's own chunk compression (sim/output/chunk_writer.cpp): what it stores is
// what HDF5's shuffle and deflate filters would read back, so any reader (h5py, netCDF,
// HDF5 tools) reads the files with the standard filters; layouts it does not cover are
// written by HDF5 itself. Checked against zlib's plain `uncompress` and HDF5's own reads.
#include <hdf5.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "sim/output/content_digest.hpp"
#include "sim/output/detail/chunk_writer.hpp"
#include "sim/output/nc_file.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using tiersim::output::DType;
using tiersim::output::NcFile;
using tiersim::output::SlabWrite;
using tiersim::output::VarSpec;
using tiersim::test::TempDir;

namespace {

using Idx = std::vector<std::size_t>;

VarSpec f64_var(std::string name, std::vector<std::string> dims, std::vector<std::size_t> chunks = {}) {
  VarSpec spec;
  spec.name = std::move(name);
  spec.dims = std::move(dims);
  spec.chunks = std::move(chunks);
  return spec;
}

/// Values with the structure of model outputs: smooth, with repeated exponents.
std::vector<double> values(std::size_t n, double scale) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = scale * (1.0 + 0.001 * static_cast<double>(i % 977)) + std::sin(i);
  return v;
}

struct RawChunk {
  std::uint32_t filter_mask = 0;
  std::vector<unsigned char> bytes;
};

/// The stored bytes of the chunk at `offset` of dataset `name`, read past every filter.
RawChunk read_raw_chunk(const fs::path& path, const std::string& name, const std::vector<hsize_t>& offset) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(file >= 0);
  const hid_t dataset = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  REQUIRE(dataset >= 0);
  hsize_t size = 0;
  REQUIRE(H5Dget_chunk_storage_size(dataset, offset.data(), &size) >= 0);
  RawChunk raw;
  raw.bytes.resize(size);
  REQUIRE(H5Dread_chunk(dataset, H5P_DEFAULT, offset.data(), &raw.filter_mask, raw.bytes.data()) >= 0);
  const hid_t dcpl = H5Dget_create_plist(dataset);
  // The dataset still declares the standard pipeline, in order: shuffle, then deflate.
  CHECK(H5Pget_nfilters(dcpl) == 2);
  unsigned flags = 0, config = 0;
  std::size_t n = 0;
  CHECK(H5Pget_filter2(dcpl, 0, &flags, &n, nullptr, 0, nullptr, &config) == H5Z_FILTER_SHUFFLE);
  n = 0;
  CHECK(H5Pget_filter2(dcpl, 1, &flags, &n, nullptr, 0, nullptr, &config) == H5Z_FILTER_DEFLATE);
  H5Pclose(dcpl);
  H5Dclose(dataset);
  H5Fclose(file);
  return raw;
}

/// Inflates a stored chunk with zlib's one-call `uncompress` and undoes the shuffle.
std::vector<double> inflate_and_unshuffle(const RawChunk& raw, std::size_t elements) {
  std::vector<unsigned char> shuffled(elements * sizeof(double));
  uLongf got = shuffled.size();
  REQUIRE(uncompress(shuffled.data(), &got, raw.bytes.data(), raw.bytes.size()) == Z_OK);
  REQUIRE(got == shuffled.size());
  std::vector<double> out(elements);
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  for (std::size_t j = 0; j < elements; ++j) {
    for (std::size_t k = 0; k < sizeof(double); ++k) bytes[j * sizeof(double) + k] = shuffled[k * elements + j];
  }
  return out;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

TEST_CASE("Compressed chunks are shuffled zlib streams that any reader inflates", "[nc_file][chunks]") {
  TempDir dir;
  const fs::path path = dir / "out.h5";
  const auto row0 = values(1000, 3.0), row1 = values(1000, 7.5), row2 = values(1000, 1e6);
  {
    NcFile file = NcFile::create(path);
    file.define_dimension("run", 3);
    file.define_dimension("x", 1000);
    file.define_variable(f64_var("v", {"run", "x"}));  // chunks (1, 1000), shuffle + deflate
    const std::vector<SlabWrite> batch = {{"v", {0, 0}, {1, 1000}, row0}, {"v", {1, 0}, {1, 1000}, row1}};
    file.write_batch(batch);
    file.write("v", Idx{2, 0}, Idx{1, 1000}, row2);  // the single-write path
    file.commit();
  }
  for (hsize_t r = 0; r < 3; ++r) {
    const RawChunk raw = read_raw_chunk(path, "v", {r, 0});
    CHECK(raw.filter_mask == 0);                  // every filter applied
    CHECK(raw.bytes.size() < 1000 * 8 * 9 / 10);  // and it compressed
    const auto& want = r == 0 ? row0 : r == 1 ? row1 : row2;
    CHECK(same_bits(inflate_and_unshuffle(raw, 1000), want));
    // Stored by the chunk writer (HDF5's own filter at level 4 makes different bytes).
    const auto* bytes = reinterpret_cast<const unsigned char*>(want.data());
    CHECK(raw.bytes == tiersim::output::detail::shuffle_and_deflate(bytes, 1000, sizeof(double), 4));
  }
  const NcFile file = NcFile::open_read(path);
  CHECK(same_bits(file.read<double>("v", Idx{1, 0}, Idx{1, 1000}), row1));
}

TEST_CASE("A last, partial chunk reads back and is padded with the fill value", "[nc_file][chunks]") {
  TempDir dir;
  const fs::path path = dir / "out.h5";
  const std::size_t n = 70000;  // the default 1-d chunk is 65536: one whole chunk and a partial one
  const auto v = values(n, 2.0);
  {
    NcFile file = NcFile::create(path);
    file.define_dimension("x", n);
    file.define_variable(f64_var("v", {"x"}));
    file.write("v", Idx{0}, Idx{n}, v);
    file.commit();
  }
  const NcFile file = NcFile::open_read(path);
  CHECK(same_bits(file.read<double>("v", Idx{0}, Idx{n}), v));
  const auto last = inflate_and_unshuffle(read_raw_chunk(path, "v", {65536}), 65536);
  CHECK(same_bits(std::vector<double>(last.begin(), last.begin() + (n - 65536)),
                  std::vector<double>(v.begin() + 65536, v.end())));
  for (std::size_t i = n - 65536; i < last.size(); ++i) REQUIRE(std::isnan(last[i]));
}

TEST_CASE("Slabs and layouts the chunk writer does not cover are written by HDF5", "[nc_file][chunks]") {
  TempDir dir;
  const fs::path mine = dir / "a.h5", plain = dir / "b.h5";
  const auto v = values(2 * 100, 5.0);
  const auto write = [&](const fs::path& path, bool whole) {
    NcFile file = NcFile::create(path);
    file.define_dimension("run", 2);
    file.define_dimension("x", 100);
    file.define_variable(f64_var("split", {"run", "x"}, {1, 10}));  // chunks are not whole rows
    file.define_variable(f64_var("rows", {"run", "x"}));
    file.write("split", Idx{0, 0}, Idx{2, 100}, v);
    if (whole) {
      file.write("rows", Idx{0, 0}, Idx{2, 100}, v);
    } else {
      // Never a whole chunk at a time: HDF5 filters these itself (reading, merging and
      // re-filtering the chunk on the second half).
      for (std::size_t r = 0; r < 2; ++r) {
        for (std::size_t half = 0; half < 2; ++half) {
          const auto first = v.begin() + static_cast<std::ptrdiff_t>(r * 100 + half * 50);
          file.write("rows", Idx{r, half * 50}, Idx{1, 50}, std::vector<double>(first, first + 50));
        }
      }
    }
    file.commit();
  };
  write(mine, true);
  write(plain, false);
  for (const fs::path& path : {mine, plain}) {
    const NcFile file = NcFile::open_read(path);
    CHECK(same_bits(file.read<double>("split", Idx{0, 0}, Idx{2, 100}), v));
    CHECK(same_bits(file.read<double>("rows", Idx{0, 0}, Idx{2, 100}), v));
  }
  // Whichever path wrote them, the files say the same thing; the bytes differ.
  CHECK(tiersim::output::content_digest(mine) == tiersim::output::content_digest(plain));
  CHECK(read_raw_chunk(mine, "rows", {0, 0}).bytes != read_raw_chunk(plain, "rows", {0, 0}).bytes);
}

TEST_CASE("write_batch applies its writes in order", "[nc_file][chunks]") {
  TempDir dir;
  const fs::path path = dir / "out.h5";
  const auto whole = values(100, 3.0);
  const std::vector<double> part(50, 9.0);
  {
    NcFile file = NcFile::create(path);
    file.define_dimension("run", 2);
    file.define_dimension("x", 100);
    file.define_variable(f64_var("v", {"run", "x"}));
    // A whole chunk (compressed here), then half of the same chunk (written by HDF5).
    const std::vector<SlabWrite> batch = {{"v", {0, 0}, {1, 100}, whole}, {"v", {0, 0}, {1, 50}, part}};
    file.write_batch(batch);
    file.commit();
  }
  const NcFile file = NcFile::open_read(path);
  const auto row = file.read<double>("v", Idx{0, 0}, Idx{1, 100});
  CHECK(same_bits(std::vector<double>(row.begin(), row.begin() + 50), part));
  CHECK(same_bits(std::vector<double>(row.begin() + 50, row.end()),
                  std::vector<double>(whole.begin() + 50, whole.end())));
}

TEST_CASE("write_batch checks every slab as write does", "[nc_file][chunks]") {
  TempDir dir;
  NcFile file = NcFile::create(dir / "out.h5");
  file.define_dimension("x", 4);
  file.define_variable(f64_var("v", {"x"}));
  const std::vector<double> three(3, 1.0);
  const std::vector<SlabWrite> short_slab = {{"v", {0}, {4}, three}};
  CHECK_THROWS_WITH(file.write_batch(short_slab), Catch::Contains("got 3 values for a hyperslab of 4"));
  const std::vector<SlabWrite> unknown = {{"w", {0}, {3}, three}};
  CHECK_THROWS_WITH(file.write_batch(unknown), Catch::Contains("'w'"));
}
