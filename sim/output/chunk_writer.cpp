#include "sim/output/detail/chunk_writer.hpp"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>

#include "sim/core/error.hpp"
#include "sim/engine/executor.hpp"
#include "sim/output/detail/hdf5.hpp"

namespace tiersim::output::detail {
namespace {

/// The deflate level of a dataset filtered by exactly shuffle then deflate; 0 otherwise.
unsigned shuffle_deflate_level(hid_t dcpl) {
  if (H5Pget_nfilters(dcpl) != 2) return 0;
  std::array<unsigned, 8> cd{};
  unsigned level = 0;
  for (unsigned i = 0; i < 2; ++i) {
    unsigned flags = 0;
    std::size_t n = cd.size();
    unsigned config = 0;
    const H5Z_filter_t id = H5Pget_filter2(dcpl, i, &flags, &n, cd.data(), 0, nullptr, &config);
    if (id != (i == 0 ? H5Z_FILTER_SHUFFLE : H5Z_FILTER_DEFLATE)) return 0;
    if (i == 1) level = n > 0 ? cd[0] : 0;
  }
  return level;
}

/// One thread's deflate state and scratch, kept between chunks: zlib's buffers (about
/// 256 KiB) allocated afresh for every chunk would come from newly faulted pages each time
/// (glibc returns them to the system on free), which measured slower than compressing.
class ChunkCompressor {
 public:
  ChunkCompressor() = default;
  ChunkCompressor(const ChunkCompressor&) = delete;
  ChunkCompressor& operator=(const ChunkCompressor&) = delete;
  ~ChunkCompressor() {
    if (ready_) deflateEnd(&z_);
  }

  std::vector<unsigned char> compress(const unsigned char* elements, std::size_t n, std::size_t size, int level) {
    const std::size_t bytes = n * size;
    grow(shuffled_, bytes);
    if (size == 8) {
      shuffle<8>(elements, n, shuffled_.get());  // f64 and i64: one pass, unrolled
    } else {
      for (std::size_t k = 0; k < size; ++k) {
        unsigned char* plane = shuffled_.get() + k * n;
        for (std::size_t j = 0; j < n; ++j) plane[j] = elements[j * size + k];
      }
    }
    if (!start(level)) return {};
    const uLong bound = compressBound(static_cast<uLong>(bytes));
    grow(out_, bound);
    z_.next_in = shuffled_.get();
    z_.avail_in = static_cast<uInt>(bytes);
    z_.next_out = out_.get();
    z_.avail_out = static_cast<uInt>(bound);
    if (deflate(&z_, Z_FINISH) != Z_STREAM_END) return {};
    return {out_.get(), out_.get() + z_.total_out};
  }

 private:
  /// Byte k of element j to shuffled[k * n + j], reading the elements once.
  template <std::size_t Size>
  static void shuffle(const unsigned char* elements, std::size_t n, unsigned char* shuffled) {
    for (std::size_t j = 0; j < n; ++j) {
      const unsigned char* e = elements + j * Size;
      for (std::size_t k = 0; k < Size; ++k) shuffled[k * n + j] = e[k];
    }
  }

  /// A fresh stream at `level`: reset if one is open at that level, else (re)initialised.
  bool start(int level) {
    if (ready_ && level == level_) return deflateReset(&z_) == Z_OK;
    if (ready_) deflateEnd(&z_);
    z_ = z_stream{};
    // zlib's default memory level (that of compress2).
    constexpr int kMemLevel = 8;
    ready_ = deflateInit2(&z_, level, Z_DEFLATED, MAX_WBITS, kMemLevel, Z_RLE) == Z_OK;
    level_ = level;
    return ready_;
  }

  /// Scratch of at least `bytes`, uninitialised (every byte used is written first).
  struct Scratch {
    std::unique_ptr<unsigned char[]> data;
    std::size_t capacity = 0;
    unsigned char* get() const { return data.get(); }
  };
  static void grow(Scratch& s, std::size_t bytes) {
    if (s.capacity >= bytes) return;
    s.data.reset(new unsigned char[bytes]);
    s.capacity = bytes;
  }

  z_stream z_{};
  bool ready_ = false;
  int level_ = -1;
  Scratch shuffled_, out_;
};

/// One compressor per thread, for the life of the process.
tbb::enumerable_thread_specific<ChunkCompressor>& compressors() {
  static tbb::enumerable_thread_specific<ChunkCompressor> pool;
  return pool;
}

}  // namespace

std::vector<unsigned char> shuffle_and_deflate(const unsigned char* elements, std::size_t n, std::size_t size,
                                               int level) {
  return compressors().local().compress(elements, n, size, level);
}

std::optional<ChunkedWrite> plan_chunked_write(hid_t dataset, hid_t memory_type, const std::vector<hsize_t>& start,
                                               const std::vector<hsize_t>& count, const void* data,
                                               const std::string& context) {
  Handle dcpl(H5Dget_create_plist(dataset));
  if (!dcpl.valid() || H5Pget_layout(dcpl.get()) != H5D_CHUNKED) return std::nullopt;
  const unsigned level = shuffle_deflate_level(dcpl.get());
  if (level == 0 || level > 9) return std::nullopt;
  Handle file_type(H5Dget_type(dataset));
  if (!file_type.valid() || H5Tequal(file_type.get(), memory_type) <= 0) return std::nullopt;
  Handle space(H5Dget_space(dataset));
  const int rank = space.valid() ? H5Sget_simple_extent_ndims(space.get()) : -1;
  if (rank < 1 || static_cast<std::size_t>(rank) != start.size() || count.size() != start.size()) return std::nullopt;
  std::vector<hsize_t> extent(start.size()), chunk(start.size());
  if (H5Sget_simple_extent_dims(space.get(), extent.data(), nullptr) < 0 ||
      H5Pget_chunk(dcpl.get(), rank, chunk.data()) != rank) {
    return std::nullopt;
  }
  // Chunks must be whole rows of the trailing dimensions, and the slab whole chunks.
  std::size_t row = 1;
  for (std::size_t i = 1; i < extent.size(); ++i) {
    if (start[i] != 0 || count[i] != extent[i] || chunk[i] != extent[i]) return std::nullopt;
    row *= extent[i];
  }
  if (count[0] == 0 || row == 0 || start[0] % chunk[0] != 0) return std::nullopt;
  if (count[0] % chunk[0] != 0 && start[0] + count[0] != extent[0]) return std::nullopt;
  ChunkedWrite w;
  w.dataset = dataset;
  w.start = start;
  w.chunk_rows = chunk[0];
  w.chunk_elements = chunk[0] * row;
  w.element_size = H5Tget_size(memory_type);
  // One deflate call per chunk: input and output must fit zlib's 32-bit counts.
  if (compressBound(static_cast<uLong>(w.chunk_elements * w.element_size)) > std::numeric_limits<uInt>::max()) {
    return std::nullopt;
  }
  w.elements = count[0] * row;
  w.data = static_cast<const unsigned char*>(data);
  w.level = static_cast<int>(level);
  // Rows of a last, partial chunk beyond the extent hold the fill value, as HDF5's would
  // (a dataset without one is left to HDF5).
  H5D_fill_value_t fill_status{};
  if (H5Pfill_value_defined(dcpl.get(), &fill_status) < 0 || fill_status == H5D_FILL_VALUE_UNDEFINED) {
    return std::nullopt;
  }
  w.fill.resize(w.element_size);
  if (H5Pget_fill_value(dcpl.get(), memory_type, w.fill.data()) < 0) throw_io(context + ": cannot read the fill value");
  return w;
}

namespace {

/// Compresses chunk c of w into w.stored[c]; a last, partial chunk is padded first.
void compress_one(ChunkedWrite& w, std::size_t c) {
  const std::size_t first = c * w.chunk_elements;
  const std::size_t have = std::min(w.chunk_elements, w.elements - first);
  const unsigned char* from = w.data + first * w.element_size;
  if (have == w.chunk_elements) {
    w.stored[c] = shuffle_and_deflate(from, w.chunk_elements, w.element_size, w.level);
    return;
  }
  std::vector<unsigned char> padded(w.chunk_elements * w.element_size);
  std::memcpy(padded.data(), from, have * w.element_size);
  for (std::size_t e = have; e < w.chunk_elements; ++e) {
    std::memcpy(padded.data() + e * w.element_size, w.fill.data(), w.element_size);
  }
  w.stored[c] = shuffle_and_deflate(padded.data(), w.chunk_elements, w.element_size, w.level);
}

}  // namespace

void compress_chunks(std::span<ChunkedWrite> writes) {
  std::vector<std::pair<std::size_t, std::size_t>> jobs;  // (write, chunk)
  for (std::size_t i = 0; i < writes.size(); ++i) {
    writes[i].stored.assign(writes[i].chunks(), {});
    for (std::size_t c = 0; c < writes[i].chunks(); ++c) jobs.emplace_back(i, c);
  }
  // Isolated: a caller may hold a lock (the HDF5 lock, a sweep's record lock) while it
  // waits here, and a thread waiting for these jobs must not pick up an unrelated task that
  // would take the same lock.
  const engine::HandOver handover;  // no-op unless built with ThreadSanitizer
  // One job per index. The loop over a task's range is TBB's (parallel_for's index form),
  // and `one` stays on this stack, referenced by the tasks: project code on a worker reads
  // only what was handed over, never fields of task objects, which TBB recycles through a
  // pool ThreadSanitizer cannot see (a range body read them, and was reported now and then
  // in threaded sweeps under TSan).
  const auto one = [&](std::size_t j) {
    handover.begin();
    compress_one(writes[jobs[j].first], jobs[j].second);
    handover.end();
  };
  [[maybe_unused]] const engine::HandOver one_written;  // `one` itself, made after `handover`
  tbb::this_task_arena::isolate([&] { tbb::parallel_for(std::size_t{0}, jobs.size(), one); });
  handover.joined();
}

void check_compressed(const ChunkedWrite& w, const std::string& context) {
  for (const auto& chunk : w.stored) {
    if (chunk.empty()) throw RuntimeFailure(context + ": zlib could not compress a chunk");
  }
}

void store_chunks(const ChunkedWrite& w, const std::string& context) {
  std::vector<hsize_t> offset(w.start.size(), 0);
  for (std::size_t c = 0; c < w.stored.size(); ++c) {
    offset[0] = w.start[0] + c * w.chunk_rows;
    if (H5Dwrite_chunk(w.dataset, k_default, 0, offset.data(), w.stored[c].size(), w.stored[c].data()) < 0) {
      throw_io(context + ": cannot write a chunk");
    }
  }
}

bool write_whole_chunks(hid_t dataset, hid_t memory_type, const std::vector<hsize_t>& start,
                        const std::vector<hsize_t>& count, const void* data, const std::string& context) {
  std::optional<ChunkedWrite> w = plan_chunked_write(dataset, memory_type, start, count, data, context);
  if (!w) return false;
  compress_chunks(std::span<ChunkedWrite>(&*w, 1));
  check_compressed(*w, context);
  store_chunks(*w, context);
  return true;
}

}  // namespace tiersim::output::detail
