#pragma once
// Writing compressed chunks directly (chunk_writer.cpp). Internal to sim/output.
//
// HDF5's deflate filter calls zlib at the requested level, which on the model's outputs
// (shuffled doubles: a few slowly varying exponent bytes, then mantissa bytes that hardly
// repeat) spends most of its time looking for matches that are not there. Here chunks are
// shuffled and deflated with zlib's run-length strategy instead, several times faster and
// as small, on as many threads as there are chunks, and handed to HDF5 as stored
// (H5Dwrite_chunk). The stream is ordinary deflate: every reader reads it with the standard
// filter. Layouts this does not cover are written through H5Dwrite as before.
#include <hdf5.h>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tiersim::output::detail {

/// A hyperslab to be written as whole compressed chunks.
struct ChunkedWrite {
  hid_t dataset = -1;
  std::vector<hsize_t> start;                      ///< of the slab; whole chunks along dimension 0
  std::size_t chunk_elements = 0;                  ///< elements per chunk
  std::size_t chunk_rows = 0;                      ///< chunk extent along dimension 0
  std::size_t element_size = 0;                    ///< bytes
  std::size_t elements = 0;                        ///< elements in `data`
  const unsigned char* data = nullptr;             ///< the slab, row-major
  std::vector<unsigned char> fill;                 ///< one element: pads a last, partial chunk
  int level = 0;                                   ///< deflate level
  std::vector<std::vector<unsigned char>> stored;  ///< compressed chunks (compress_chunks)

  std::size_t chunks() const { return (elements + chunk_elements - 1) / chunk_elements; }
};

/// The chunked write of `data` (the hyperslab (start, count) of `dataset`, in
/// `memory_type`) when the dataset is chunked along its first dimension only, filtered by
/// shuffle then deflate, stored in the memory type, and the slab covers whole chunks (the
/// last may end at the extent); nothing otherwise. Call under the HDF5 lock.
std::optional<ChunkedWrite> plan_chunked_write(hid_t dataset, hid_t memory_type, const std::vector<hsize_t>& start,
                                               const std::vector<hsize_t>& count, const void* data,
                                               const std::string& context);

/// Compresses every chunk of `writes`, in parallel on the caller's task arena (so within
/// --threads when called inside Executor::run; no HDF5 calls; the bytes do not depend on
/// the thread count).
void compress_chunks(std::span<ChunkedWrite> writes);

/// RuntimeFailure naming `context` if zlib failed on a chunk of `w` (check every write of a
/// batch before storing any).
void check_compressed(const ChunkedWrite& w, const std::string& context);

/// Hands the compressed chunks of `w` to HDF5. Call under the HDF5 lock.
void store_chunks(const ChunkedWrite& w, const std::string& context);

/// plan_chunked_write, compress_chunks and store_chunks for one slab; false (nothing
/// written) where the layout is not covered.
bool write_whole_chunks(hid_t dataset, hid_t memory_type, const std::vector<hsize_t>& start,
                        const std::vector<hsize_t>& count, const void* data, const std::string& context);

/// Shuffles `n` elements of `size` bytes (HDF5's shuffle filter: byte k of every element,
/// for k = 0..size-1) and deflates the result with zlib's run-length strategy at `level`.
std::vector<unsigned char> shuffle_and_deflate(const unsigned char* elements, std::size_t n, std::size_t size,
                                               int level);

}  // namespace tiersim::output::detail
