#pragma once
// A small, netCDF-4 compatible HDF5 file: named dimensions stored as HDF5 dimension scales
// with coordinate variables, so that `xarray.open_dataset(path)` (netCDF4 engine) reads it
// with no extra code. NcFile and content_digest (content_digest.hpp) are the only ways into
// the HDF5 API. Behind them, in sim/output/: hdf5.cpp (handles, errors, types, attributes),
// netcdf_conventions.cpp (how dimensions and variables are laid out), nc_file_impl.cpp (an
// open file's state, definitions and lifecycle), nc_values.cpp (reading and writing values),
// nc_copy.cpp (copying between files) and atomic_file.cpp (`.partial`, fsync, rename).
//
// Files are created under a temporary name (`<path>.partial`) and renamed to `<path>` by
// commit(); a file that was never committed is removed by the destructor, so a crash never
// leaves a file at `path` that looks complete. Files opened for update (resume) are written
// in place and carry an explicit completion marker instead (root attribute `complete`).
// create_in_place() makes a file directly at its path and keeps it whatever happens: the
// sweep's `<out>.incomplete` (docs/output-format.md, "Crash safety").
//
// HDF5 (Debian's serial build) is not thread-safe: every NcFile method takes one
// process-wide mutex, so several threads may share one NcFile or use different ones.
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tiersim::output {

/// Element types a variable can hold.
enum class DType { f64, i64, i32, i8, str };

/// The C++ types of numeric elements (f64, i64, i32, i8) and of all elements (plus str).
template <class T>
concept Number = std::same_as<T, double> || std::same_as<T, std::int64_t> || std::same_as<T, std::int32_t> ||
    std::same_as<T, std::int8_t>;
template <class T>
concept Element = Number<T> || std::same_as<T, std::string>;

/// The DType whose elements are `T` in memory.
template <Element T>
constexpr DType dtype_for() {
  if constexpr (std::same_as<T, double>) return DType::f64;
  if constexpr (std::same_as<T, std::int64_t>) return DType::i64;
  if constexpr (std::same_as<T, std::int32_t>) return DType::i32;
  if constexpr (std::same_as<T, std::int8_t>) return DType::i8;
  return DType::str;
}

/// An attribute value: text, integer or floating point (scalar).
using AttrValue = std::variant<std::string, std::int64_t, double>;

struct Attr {
  std::string name;
  AttrValue value;
};

/// A 1-d integer attribute stored with the element type `dtype` (i8, i32 or i64): CF wants
/// `flag_values` in the type of the variable it describes.
struct IntegerArrayAttr {
  std::string name;
  DType dtype = DType::i64;
  std::vector<std::int64_t> values;
};

/// Chunk length of 1-d variables when VarSpec::chunks is empty: one chunk per element (the
/// multi-dimensional default) would make a huge chunk index for long vectors.
inline constexpr std::size_t kDefaultChunk1d = 65536;

struct VarSpec {
  std::string name;
  DType dtype = DType::f64;
  std::vector<std::string> dims;                      ///< dimension names, slowest-varying first
  std::vector<Attr> attrs;                            ///< e.g. units, long_name
  std::vector<IntegerArrayAttr> integer_arrays = {};  ///< e.g. flag_values
  /// Chunk shape; empty = chosen automatically (whole extent along all dims but the first).
  std::vector<std::size_t> chunks;
  int deflate_level = 4;  ///< 0 = no compression; shuffle filter is on when > 0
  /// Allocate (and fill) all chunks when the variable is defined, so that later writes only
  /// overwrite raw bytes and never change HDF5 metadata (crash-safe in-place files).
  /// Requires deflate_level 0.
  bool allocate_early = false;
};

/// One hyperslab of an f64 variable, for NcFile::write_batch.
struct SlabWrite {
  std::string var;
  std::vector<std::size_t> start, count;  ///< as for NcFile::write
  std::span<const double> data;
};

/// How NcFile::copy_from stores the copied variables.
struct CopyOptions {
  int deflate_level = 4;        ///< for numeric variables (strings are never compressed)
  bool allocate_early = false;  ///< see VarSpec::allocate_early (needs deflate_level 0)
  /// Root attributes not to copy (`tiersim_format` is always managed by the destination).
  std::vector<std::string> skip_attributes = {};
  /// Chunk length along the first dimension of 1-d variables (0 = keep the source's).
  std::size_t chunk_1d = 0;
};

namespace detail {
class NcFileImpl;
/// Values of any element type, for the typed NcFile templates to hand to one implementation.
using ValueSpan = std::variant<std::span<const double>, std::span<const std::int64_t>, std::span<const std::int32_t>,
                               std::span<const std::int8_t>, std::span<const std::string>>;
using NumberVector =
    std::variant<std::vector<double>, std::vector<std::int64_t>, std::vector<std::int32_t>, std::vector<std::int8_t>>;
}  // namespace detail

class NcFile {
 public:
  /// Create a new file at `path + ".partial"`. Refuses (InputError) if `path` already exists
  /// unless `overwrite` is true. The parent directory must exist (InputError otherwise).
  static NcFile create(const std::filesystem::path& path, bool overwrite = false);
  /// Create a new file directly at `path` (no `.partial`, never removed by the destructor,
  /// no `complete` marker written by close()). Refuses an existing `path` unless `overwrite`.
  static NcFile create_in_place(const std::filesystem::path& path, bool overwrite = false);
  /// Open an existing, complete or incomplete tiersim file for update in place.
  /// InputError if it is missing, not HDF5, or not a tiersim file (no `tiersim_format`).
  static NcFile open_update(const std::filesystem::path& path);
  /// Open read-only. InputError as above.
  static NcFile open_read(const std::filesystem::path& path);

  NcFile(NcFile&&) noexcept;
  NcFile& operator=(NcFile&&) noexcept;
  ~NcFile();  ///< closes; removes the `.partial` file if create()d and not committed

  /// A dimension of fixed size.
  void define_dimension(const std::string& name, std::size_t size);
  /// Coordinate variable for a dimension (same name as the dimension), written whole.
  template <Element T>
  void write_coordinate(const std::string& dim, std::span<const T> values, const std::vector<Attr>& attrs = {}) {
    write_coordinate_values(dim, values, attrs);
  }
  template <Element T>
  void write_coordinate(const std::string& dim, const std::vector<T>& values, const std::vector<Attr>& attrs = {}) {
    write_coordinate_values(dim, std::span<const T>(values), attrs);
  }

  /// Define a data variable over previously defined dimensions. Numeric variables read as
  /// NaN (f64) or 0 (integers) until written. Only f64 variables carry a `_FillValue`
  /// attribute: on integers it would make xarray decode them as floats.
  void define_variable(const VarSpec& spec);

  /// Write a hyperslab: `start` and `count` have one entry per dimension of the variable,
  /// data is row-major with size = product(count) and of the variable's element type.
  template <Element T>
  void write(const std::string& var, std::span<const std::size_t> start, std::span<const std::size_t> count,
             std::span<const T> data) {
    write_values(var, start, count, data);
  }
  template <Element T>
  void write(const std::string& var, std::span<const std::size_t> start, std::span<const std::size_t> count,
             const std::vector<T>& data) {
    write_values(var, start, count, std::span<const T>(data));
  }

  /// Several writes at once: the same file as one write() each, but the compressed chunks of
  /// all of them are made in parallel (a run's outputs are mostly one chunk per variable).
  void write_batch(std::span<const SlabWrite> writes);

  /// Read back a hyperslab (for resume and merge). Integer variables of every width read
  /// as std::int64_t (lossless widening); otherwise T must be the variable's type.
  template <Number T>
  std::vector<T> read(const std::string& var, std::span<const std::size_t> start,
                      std::span<const std::size_t> count) const {
    detail::NumberVector values = std::vector<T>{};
    read_values(var, start, count, values);
    return std::get<std::vector<T>>(std::move(values));
  }
  std::vector<std::string> read_str(const std::string& var) const;  ///< whole 1-d variable

  bool has_variable(const std::string& name) const;
  std::vector<std::string> variable_names() const;  ///< data + coordinate variables, sorted
  std::vector<std::string> dimensions_of(const std::string& var) const;
  std::vector<std::size_t> shape_of(const std::string& var) const;
  std::optional<std::size_t> dimension_size(const std::string& dim) const;
  std::vector<std::pair<std::string, std::size_t>> dimensions() const;

  /// Root (global) attributes.
  void set_attribute(const std::string& name, const AttrValue& value);
  /// A 1-d text attribute (netCDF NC_STRING array), e.g. a list of names.
  void set_attribute(const std::string& name, std::span<const std::string> values);
  std::optional<AttrValue> attribute(const std::string& name) const;
  /// Text attribute as a list (a scalar text attribute gives one entry); nullopt if absent
  /// or not text.
  std::optional<std::vector<std::string>> attribute_strings(const std::string& name) const;
  /// Attributes of a variable.
  std::optional<AttrValue> variable_attribute(const std::string& var, const std::string& name) const;

  /// Flush to disk (used after each completed sweep run).
  void flush();
  /// Flush, close and (for create()d files) rename `.partial` to the final path.
  void commit();
  /// Flush and close without marking the file complete (in-place and updated files); a
  /// create()d file that is closed this way is removed like an abandoned one.
  void close();

  /// Copy every dimension, coordinate and data variable (with attributes and values) and
  /// the root attributes of `src` into this file, which must be new and empty. Chunk shapes
  /// follow the source; compression and allocation follow `options`.
  void copy_from(const NcFile& src, const CopyOptions& options);
  /// Copy the rows `rows` (indices along dimension `dim`) of every data variable whose
  /// first dimension is `dim` from `src`, which must have the same variables and shapes.
  void copy_rows_from(const NcFile& src, const std::string& dim, std::span<const std::size_t> rows);

  const std::filesystem::path& path() const;  ///< the final path

 private:
  explicit NcFile(std::unique_ptr<detail::NcFileImpl> impl);
  detail::NcFileImpl& impl() const;
  void write_coordinate_values(const std::string& dim, const detail::ValueSpan& values, const std::vector<Attr>& attrs);
  void write_values(const std::string& var, std::span<const std::size_t> start, std::span<const std::size_t> count,
                    const detail::ValueSpan& data);
  void read_values(const std::string& var, std::span<const std::size_t> start, std::span<const std::size_t> count,
                   detail::NumberVector& values) const;

  std::unique_ptr<detail::NcFileImpl> impl_;
};

}  // namespace tiersim::output
