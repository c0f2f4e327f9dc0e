#include "sim/output/content_digest.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/core/sha256.hpp"
#include "sim/output/detail/hdf5.hpp"
#include "sim/output/detail/nc_file_impl.hpp"
#include "sim/output/detail/netcdf_conventions.hpp"

namespace tiersim::output {
namespace {

using namespace detail;

/// Feeds a canonical, host-independent byte encoding into SHA-256.
class DigestWriter {
 public:
  void u64(std::uint64_t v) { little_endian(v, 8); }
  void text(std::string_view s) {
    u64(s.size());
    append(s);
  }
  void number(std::int64_t v) { little_endian(static_cast<std::uint64_t>(v), 8); }
  void number(std::int32_t v) { little_endian(static_cast<std::uint32_t>(v), 4); }
  void number(std::int8_t v) { little_endian(static_cast<std::uint8_t>(v), 1); }
  void number(double v) {
    // Every NaN (fill values, 0/0, ...) counts as the same value, whatever its payload.
    const std::uint64_t bits = std::isnan(v) ? 0x7ff8000000000000ULL : std::bit_cast<std::uint64_t>(v);
    little_endian(bits, 8);
  }

  std::string finish() {
    flush();
    return sha_.hex_digest();
  }

 private:
  void little_endian(std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) {
      buffer_.push_back(static_cast<char>((v >> (8 * i)) & 0xffu));
    }
    if (buffer_.size() >= k_flush_at) flush();
  }
  void append(std::string_view s) {
    buffer_.append(s);
    if (buffer_.size() >= k_flush_at) flush();
  }
  void flush() {
    sha_.update(buffer_);
    buffer_.clear();
  }

  static constexpr std::size_t k_flush_at = 1 << 16;
  Sha256 sha_;
  std::string buffer_;
};

void digest_attr(DigestWriter& out, const AttrData& data) {
  switch (data.kind) {
    case AttrData::Kind::text:
      out.text("text");
      out.u64(data.text.size());
      for (const auto& s : data.text) out.text(s);
      break;
    case AttrData::Kind::integer:
      out.text("integer");
      out.u64(data.integers.size());
      for (const auto v : data.integers) out.number(v);
      break;
    case AttrData::Kind::real:
      out.text("real");
      out.u64(data.reals.size());
      for (const auto v : data.reals) out.number(v);
      break;
  }
}

/// The values of one block, each in its own width.
template <Number T>
void digest_numbers(DigestWriter& out, hid_t dataset, const Slab& slab, const std::string& context) {
  std::vector<T> values(slab.size);
  const Handle transfer = conversion_transfer_plist(slab.size);
  if (H5Dread(dataset, numeric_memory_type(dtype_for<T>()), slab.memory_space.get(), slab.file_space.get(),
              transfer.get(), values.data()) < 0) {
    throw_io(context + ": cannot read values");
  }
  for (const T v : values) out.number(v);
}

void digest_block(DigestWriter& out, hid_t dataset, DType dtype, const Slab& slab, const std::string& context) {
  switch (dtype) {
    case DType::f64: digest_numbers<double>(out, dataset, slab, context); break;
    case DType::i64: digest_numbers<std::int64_t>(out, dataset, slab, context); break;
    case DType::i32: digest_numbers<std::int32_t>(out, dataset, slab, context); break;
    case DType::i8: digest_numbers<std::int8_t>(out, dataset, slab, context); break;
    case DType::str:
      for (const std::string& s : read_strings(dataset, slab.memory_space.get(), slab.file_space.get(), slab.size,
                                               context + ": cannot read values")) {
        out.text(s);
      }
      break;
  }
}

/// The rows [first, first + rows) along the first dimension of `dataset`, or its one value
/// if it is a scalar.
Slab row_block(hid_t dataset, const std::vector<hsize_t>& extent, hsize_t first, hsize_t rows,
               const std::string& context) {
  Slab slab;
  slab.file_space = Handle(H5Dget_space(dataset));
  if (extent.empty()) {
    slab.memory_space = Handle(H5Screate(H5S_SCALAR));
    slab.size = 1;
    return slab;
  }
  std::vector<hsize_t> start(extent.size(), 0);
  std::vector<hsize_t> count = extent;
  start[0] = first;
  count[0] = rows;
  if (H5Sselect_hyperslab(slab.file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0) {
    throw_io(context + ": cannot select values");
  }
  slab.memory_space = Handle(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr));
  slab.size = element_count(count);
  return slab;
}

/// Values in blocks of whole rows along the first dimension, so memory stays bounded for
/// large variables.
void digest_values(DigestWriter& out, hid_t dataset, DType dtype, const std::vector<hsize_t>& extent,
                   const std::string& context) {
  out.u64(element_count(extent));
  if (element_count(extent) == 0) return;
  const std::size_t row = extent.empty() ? 1 : element_count(extent) / extent[0];
  const hsize_t rows_per_block = std::max<hsize_t>(1, (std::size_t{1} << 20) / std::max<std::size_t>(row, 1));
  const hsize_t total_rows = extent.empty() ? 1 : extent[0];
  for (hsize_t first = 0; first < total_rows; first += rows_per_block) {
    const hsize_t rows = std::min(rows_per_block, total_rows - first);
    digest_block(out, dataset, dtype, row_block(dataset, extent, first, rows, context), context);
  }
}

/// The variable's attributes but the dimension bookkeeping, in name order.
void digest_attributes(DigestWriter& out, hid_t dataset, const std::string& context) {
  std::vector<std::string> attrs;
  for (auto& attr_name : attribute_names(dataset)) {
    if (!is_bookkeeping_attr(attr_name)) attrs.push_back(std::move(attr_name));
  }
  out.u64(attrs.size());
  for (const std::string& attr_name : attrs) {
    const auto data = read_attr_data(dataset, attr_name);
    if (!data) {
      throw InputError(context + ": attribute '" + attr_name + "' has an unsupported type" + hdf5_detail());
    }
    out.text(attr_name);
    digest_attr(out, *data);
  }
}

void digest_variable(DigestWriter& out, hid_t dataset, const std::string& name, const std::vector<hsize_t>& extent,
                     const std::string& context) {
  const auto dtype = dtype_of(dataset);
  if (!dtype) throw InputError(context + ": data type not supported by tiersim");
  out.text("variable");
  out.text(name);
  out.text(dtype_name(*dtype));
  const auto dims = dimension_names(dataset, name);
  out.u64(extent.size());
  for (std::size_t i = 0; i < extent.size(); ++i) {
    out.text(i < dims.size() ? dims[i] : std::string{});
    out.u64(extent[i]);
  }
  digest_attributes(out, dataset, context);
  digest_values(out, dataset, *dtype, extent, context);
}

std::string digest_file(hid_t file, const std::filesystem::path& path) {
  DigestWriter out;
  out.text("tiersim-content-digest-v1");
  for (const std::string& name : dataset_names(file, quoted(path))) {
    const std::string context = quoted(path) + ": variable '" + name + "'";
    try {
      Handle dataset(H5Dopen2(file, name.c_str(), k_default));
      if (!dataset.valid()) throw_io(context + ": cannot open");
      const auto extent = extent_of(dataset.get());
      if (is_placeholder_dim(dataset.get())) {
        out.text("dimension");
        out.text(name);
        out.u64(extent.empty() ? 0 : extent[0]);
      } else {
        digest_variable(out, dataset.get(), name, extent, context);
      }
    } catch (const RuntimeFailure& e) {
      // Reading a file is not writing one: what fails here is the file's content.
      const std::string what = e.what();
      throw InputError((what.starts_with(context) ? what : context + ": " + what) + " (the file is damaged)");
    }
  }
  return out.finish();
}

}  // namespace

std::string content_digest(const std::filesystem::path& path) {
  const Hdf5Lock lock;
  init_hdf5();
  const Handle file = open_existing(path, false);
  return digest_file(file.get(), path);
}

void check_readable(const std::filesystem::path& path) { content_digest(path); }

}  // namespace tiersim::output
