#pragma once
// The HDF5 C API as the output layer uses it: the process-wide lock, errors turned into
// exceptions, RAII over identifiers, the mapping of DType to HDF5 types, property lists and
// attributes. Internal to sim/output; nothing outside it includes HDF5.
#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/output/nc_file.hpp"

namespace tiersim::output::detail {

// HDF5's C headers define these with C-style casts, which -Wold-style-cast rejects whenever
// the headers are not picked up as system headers.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
inline constexpr hid_t k_default = H5P_DEFAULT;
inline constexpr hid_t k_all = H5S_ALL;
inline constexpr hid_t k_error_stack = H5E_DEFAULT;
inline constexpr std::size_t k_variable_length = H5T_VARIABLE;
#pragma GCC diagnostic pop

// ---------------------------------------------------------------------------------------
// The lock and errors

/// Serial HDF5 keeps global state without locking, so every call into it, from any NcFile
/// or from content_digest, happens while one of these is alive.
class Hdf5Lock {
 public:
  Hdf5Lock();

 private:
  std::lock_guard<std::mutex> lock_;
};

/// Opens the library once, without its atexit shutdown and error printing. Call under the lock.
void init_hdf5();

/// " (HDF5: outermost; innermost)" from the current error stack, which it clears. The
/// innermost entry carries the system error (e.g. "No space left on device").
std::string hdf5_detail();

/// RuntimeFailure with `what` and the HDF5 error stack.
[[noreturn]] void throw_io(const std::string& what);

/// Forgets errors of a call whose failure is an answer (e.g. "no such attribute").
inline void clear_errors() { H5Eclear2(k_error_stack); }

std::string quoted(const std::filesystem::path& path);

// ---------------------------------------------------------------------------------------
// Identifiers

/// Owns one HDF5 identifier of any kind.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, -1);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  hid_t release() { return std::exchange(id_, -1); }
  void reset() noexcept;

 private:
  hid_t id_ = -1;
};

/// Frees the strings HDF5 allocated for a variable-length read, also when copying them throws.
class VlenReclaim {
 public:
  VlenReclaim(hid_t type, hid_t space, void* buffer) : type_(type), space_(space), buffer_(buffer) {}
  VlenReclaim(const VlenReclaim&) = delete;
  VlenReclaim& operator=(const VlenReclaim&) = delete;
  ~VlenReclaim() { H5Dvlen_reclaim(type_, space_, k_default, buffer_); }

 private:
  hid_t type_;
  hid_t space_;
  void* buffer_;
};

// ---------------------------------------------------------------------------------------
// Types

const char* dtype_name(DType dtype);
/// UTF-8 variable-length string type: what netCDF-4 reads as NC_STRING.
Handle vlen_string_type();
/// Fixed little-endian storage types, so a file's bytes do not depend on the writing host.
hid_t numeric_file_type(DType dtype);
hid_t numeric_memory_type(DType dtype);
bool is_integer(DType dtype);
/// The DType of a dataset, or nullopt for types tiersim does not write.
std::optional<DType> dtype_of(hid_t dataset);

/// NUL-terminated pointers into `values` for an HDF5 string write; InputError (with
/// `context`) for a value with an embedded NUL, which HDF5 would silently truncate.
std::vector<const char*> string_pointers(std::span<const std::string> values, const std::string& context);

/// Reads the `n` variable-length strings of `dataset` selected by (memory, file) spaces;
/// unwritten elements read as "". RuntimeFailure with the message `failure` otherwise.
std::vector<std::string> read_strings(hid_t dataset, hid_t memory_space, hid_t file_space, std::size_t n,
                                      const std::string& failure);

// ---------------------------------------------------------------------------------------
// Property lists, dataspaces, listings

Handle make_file_access_plist();
Handle make_file_create_plist();
Handle make_dataset_create_plist();
/// A transfer property list for `elements` values that may need type conversion (strings:
/// pointers in memory, heap references in the file; integers read wider): HDF5 1.10
/// allocates and zero-fills a 1 MiB conversion buffer for every such transfer unless told a
/// size, fresh pages each time (measured: a sweep's compaction spent more on those page
/// faults than on copying); this one is sized to the transfer (at most the default).
Handle conversion_transfer_plist(std::size_t elements);

std::vector<hsize_t> extent_of(hid_t dataset);
std::size_t element_count(const std::vector<hsize_t>& extent);

/// Selections for one hyperslab read or write.
struct Slab {
  Handle file_space;
  Handle memory_space;
  std::size_t size = 0;
};

/// Names of all datasets in the root group, sorted bytewise. InputError starting with
/// `context` (the file) if an object cannot be opened: a damaged file is never read in part.
std::vector<std::string> dataset_names(hid_t file, const std::string& context);
/// Dataset names in creation order when the group tracks it (every file NcFile writes
/// does), else in name order.
std::vector<std::string> names_in_creation_order(hid_t group, const std::string& context);

// ---------------------------------------------------------------------------------------
// Attributes

/// An attribute's values, whatever its rank.
struct AttrData {
  enum class Kind { text, integer, real } kind = Kind::text;
  std::vector<std::string> text;
  std::vector<std::int64_t> integers;
  std::vector<double> reals;
  /// How integers are stored (i8, i32 or i64): a copy keeps e.g. CF's int8 `flag_values`.
  DType integer_type = DType::i64;
};

/// Reads any text, integer or floating-point attribute; nullopt for other types
/// (e.g. the object references of dimension-scale bookkeeping).
std::optional<AttrData> read_attr_data(hid_t attr);
/// The same for the existing attribute `name` of `object`; nullopt if it cannot be opened.
/// The HDF5 error stack is left for the caller's message.
std::optional<AttrData> read_attr_data(hid_t object, const std::string& name);
/// The attribute `name` of `object` if it exists and is readable (errors cleared).
std::optional<AttrData> find_attr(hid_t object, const std::string& name);
/// A single-valued text, integer or float attribute of `object`; nullopt when absent or of
/// another shape or type. Text of any length counts as one value.
std::optional<AttrValue> read_attr_value(hid_t object, const std::string& name);

/// Writes (or replaces) an attribute stored with `file_type`, from `value` in `mem_type`.
void write_raw_attr(hid_t object, const std::string& name, hid_t file_type, hid_t mem_type, hid_t space,
                    const void* value, const std::string& context);
void write_attr(hid_t object, const std::string& name, const AttrValue& value, const std::string& context);
void write_attrs(hid_t object, const std::vector<Attr>& attrs, const std::string& context);
/// A 1-d variable-length string attribute (what netCDF-4 writes for NC_STRING arrays).
void write_string_array_attr(hid_t object, const std::string& name, std::span<const std::string> values,
                             const std::string& context);
/// A 1-d integer attribute stored as `dtype` (i8, i32 or i64).
void write_integer_array_attr(hid_t object, const IntegerArrayAttr& attr, const std::string& context);
/// Writes an attribute read by read_attr_data, keeping single values scalar.
void write_attr_data(hid_t object, const std::string& name, const AttrData& data, const std::string& context);

/// Attribute names, sorted bytewise.
std::vector<std::string> attribute_names(hid_t object);
/// Attribute names in creation order when the object tracks it, else sorted.
std::vector<std::string> attribute_names_in_creation_order(hid_t object);

}  // namespace tiersim::output::detail
