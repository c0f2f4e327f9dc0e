#include "sim/output/nc_file.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <string_view>
#include <system_error>
#include <utility>

#include "sim/core/error.hpp"
#include "sim/core/sha256.hpp"
#include "sim/output/result_schema.hpp"

namespace tiersim::output {
namespace {

namespace fs = std::filesystem;

// HDF5's C headers define these with C-style casts, which -Wold-style-cast rejects whenever
// the headers are not picked up as system headers.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
constexpr hid_t k_default = H5P_DEFAULT;
constexpr hid_t k_all = H5S_ALL;
constexpr hid_t k_error_stack = H5E_DEFAULT;
constexpr std::size_t k_variable_length = H5T_VARIABLE;
#pragma GCC diagnostic pop

constexpr const char* k_format_attr = schema::kTiersimFormat;
constexpr std::string_view k_format_value = schema::kTiersimFormatValue;
constexpr const char* k_complete_attr = schema::kComplete;

// netCDF-4's NAME for a dimension scale that has no coordinate variable (DIM_WITHOUT_VARIABLE
// in netCDF-C); netCDF recognises such placeholder datasets by this prefix alone.
constexpr std::string_view k_dim_without_variable =
    "This is a netCDF dimension but not a netCDF variable.";

// Attributes that HDF5's dimension-scale API and netCDF-C maintain themselves: they hold
// object references and ids that depend on the file layout, not on the content.
constexpr std::array<std::string_view, 6> k_bookkeeping_attrs = {
    "CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST", "_Netcdf4Dimid", "_Netcdf4Coordinates"};

// 1-d variables are chunked in blocks of this many elements: one chunk per element (the
// multi-dimensional default) would make a huge chunk index for long vectors.
constexpr hsize_t k_chunk_1d = 65536;

// Serial HDF5 keeps global state without locking, so every call into it, from any NcFile or
// from content_digest, happens under this one mutex.
std::mutex g_hdf5_mutex;
using Lock = std::lock_guard<std::mutex>;

void init_hdf5() {
  static bool done = false;
  if (done) return;
  // No library shutdown at exit: a file whose close failed (disk full, EFBIG) stays
  // registered, and HDF5 1.10's atexit cleanup crashes trying to close it again
  // (SIGSEGV in H5F__close_cb after the error was reported). Files are always closed
  // explicitly; nothing is left for the atexit handler to do.
  H5dont_atexit();
  H5open();
  // Failures become exceptions carrying HDF5's own message; the default handler would
  // print the whole error stack to stderr as well.
  H5Eset_auto2(k_error_stack, nullptr, nullptr);
  done = true;
}

herr_t collect_error(unsigned /*n*/, const H5E_error2_t* err, void* data) {
  auto* out = static_cast<std::vector<std::string>*>(data);
  if (err->desc != nullptr && err->desc[0] != '\0') out->emplace_back(err->desc);
  return 0;
}

/// " (HDF5: outermost; innermost)" from the current error stack, which it clears. The
/// innermost entry carries the system error (e.g. "No space left on device").
std::string hdf5_detail() {
  std::vector<std::string> messages;
  H5Ewalk2(k_error_stack, H5E_WALK_DOWNWARD, collect_error, &messages);
  H5Eclear2(k_error_stack);
  if (messages.empty()) return {};
  std::string innermost = messages.back();
  // The I/O layer's message is a multi-line dump of the failed call; its system error text
  // is the useful part.
  constexpr std::string_view marker = "error message = '";
  if (const auto at = innermost.find(marker); at != std::string::npos) {
    const auto begin = at + marker.size();
    innermost = innermost.substr(begin, innermost.find('\'', begin) - begin);
  }
  std::string out = " (HDF5: " + messages.front();
  if (messages.size() > 1) out += "; " + innermost;
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out + ")";
}

[[noreturn]] void throw_io(const std::string& what) { throw RuntimeFailure(what + hdf5_detail()); }

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

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

  void reset() noexcept {
    if (id_ < 0) return;
    switch (H5Iget_type(id_)) {
      case H5I_FILE: H5Fclose(id_); break;
      case H5I_GROUP: H5Gclose(id_); break;
      case H5I_DATATYPE: H5Tclose(id_); break;
      case H5I_DATASPACE: H5Sclose(id_); break;
      case H5I_DATASET: H5Dclose(id_); break;
      case H5I_ATTR: H5Aclose(id_); break;
      case H5I_GENPROP_LST: H5Pclose(id_); break;
      default: H5Idec_ref(id_); break;
    }
    id_ = -1;
  }

 private:
  hid_t id_ = -1;
};

/// Frees the strings HDF5 allocated for a variable-length read, also when copying them throws.
class VlenReclaim {
 public:
  VlenReclaim(hid_t type, hid_t space, void* buffer)
      : type_(type), space_(space), buffer_(buffer) {}
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

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::f64: return "f64";
    case DType::i64: return "i64";
    case DType::i32: return "i32";
    case DType::i8: return "i8";
    case DType::str: return "str";
  }
  return "?";
}

/// UTF-8 variable-length string type: what netCDF-4 reads as NC_STRING.
Handle vlen_string_type() {
  Handle type(H5Tcopy(H5T_C_S1));
  if (!type.valid() || H5Tset_size(type.get(), k_variable_length) < 0 ||
      H5Tset_cset(type.get(), H5T_CSET_UTF8) < 0 ||
      H5Tset_strpad(type.get(), H5T_STR_NULLTERM) < 0) {
    throw_io("cannot create the HDF5 string type");
  }
  return type;
}

/// Fixed little-endian storage types, so a file's bytes do not depend on the writing host.
hid_t numeric_file_type(DType dtype) {
  switch (dtype) {
    case DType::f64: return H5T_IEEE_F64LE;
    case DType::i64: return H5T_STD_I64LE;
    case DType::i32: return H5T_STD_I32LE;
    case DType::i8: return H5T_STD_I8LE;
    case DType::str: break;
  }
  throw std::logic_error("numeric_file_type: not numeric");
}

hid_t numeric_memory_type(DType dtype) {
  switch (dtype) {
    case DType::f64: return H5T_NATIVE_DOUBLE;
    case DType::i64: return H5T_NATIVE_INT64;
    case DType::i32: return H5T_NATIVE_INT32;
    case DType::i8: return H5T_NATIVE_INT8;
    case DType::str: break;
  }
  throw std::logic_error("numeric_memory_type: not numeric");
}

bool is_integer(DType dtype) {
  return dtype == DType::i64 || dtype == DType::i32 || dtype == DType::i8;
}

/// The DType of a dataset, or nullopt for types tiersim does not write.
std::optional<DType> dtype_of(hid_t dataset) {
  Handle type(H5Dget_type(dataset));
  if (!type.valid()) return std::nullopt;
  const std::size_t size = H5Tget_size(type.get());
  switch (H5Tget_class(type.get())) {
    case H5T_FLOAT:
      if (size == 8) return DType::f64;
      break;
    case H5T_INTEGER:
      if (H5Tget_sign(type.get()) != H5T_SGN_2) break;
      if (size == 8) return DType::i64;
      if (size == 4) return DType::i32;
      if (size == 1) return DType::i8;
      break;
    case H5T_STRING:
      if (H5Tis_variable_str(type.get()) > 0) return DType::str;
      break;
    default: break;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------
// Property lists

Handle make_file_access_plist() {
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
  // netCDF-C itself writes with these bounds (EARLIEST..V18): files stay readable by netCDF
  // and HDF5 builds older than the 1.10 library used here.
  if (!fapl.valid() || H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_EARLIEST, H5F_LIBVER_V18) < 0 ||
      H5Pset_file_locking(fapl.get(), true, true) < 0) {
    throw_io("cannot create an HDF5 file access property list");
  }
  return fapl;
}

Handle make_file_create_plist() {
  Handle fcpl(H5Pcreate(H5P_FILE_CREATE));
  constexpr unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
  // netCDF-4 lists variables and attributes in creation order and creates its files this way.
  if (!fcpl.valid() || H5Pset_link_creation_order(fcpl.get(), order) < 0 ||
      H5Pset_attr_creation_order(fcpl.get(), order) < 0 ||
      H5Pset_obj_track_times(fcpl.get(), false) < 0) {
    throw_io("cannot create an HDF5 file creation property list");
  }
  return fcpl;
}

Handle make_dataset_create_plist() {
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
  constexpr unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
  // No modification times: identical runs then produce identical files.
  if (!dcpl.valid() || H5Pset_obj_track_times(dcpl.get(), false) < 0 ||
      H5Pset_attr_creation_order(dcpl.get(), order) < 0) {
    throw_io("cannot create an HDF5 dataset creation property list");
  }
  return dcpl;
}

// ---------------------------------------------------------------------------------------
// Attributes

/// An attribute's values, whatever its rank.
struct AttrData {
  enum class Kind { text, integer, real } kind = Kind::text;
  std::vector<std::string> text;
  std::vector<std::int64_t> integers;
  std::vector<double> reals;
};

std::vector<std::string> read_string_attr(hid_t attr, hid_t file_type, hid_t space,
                                          std::size_t n) {
  std::vector<std::string> out;
  if (n == 0) return out;
  if (H5Tis_variable_str(file_type) > 0) {
    Handle mem_type = vlen_string_type();
    std::vector<char*> ptrs(n, nullptr);
    if (H5Aread(attr, mem_type.get(), ptrs.data()) < 0) return out;
    VlenReclaim reclaim(mem_type.get(), space, ptrs.data());
    for (const char* p : ptrs) out.emplace_back(p != nullptr ? p : "");
    return out;
  }
  const std::size_t size = H5Tget_size(file_type);
  Handle mem_type(H5Tcopy(file_type));
  std::vector<char> buffer(n * size + 1, '\0');
  if (!mem_type.valid() || H5Aread(attr, mem_type.get(), buffer.data()) < 0) return out;
  const bool space_padded = H5Tget_strpad(file_type) == H5T_STR_SPACEPAD;
  for (std::size_t i = 0; i < n; ++i) {
    const char* begin = buffer.data() + i * size;
    std::string value(begin, strnlen(begin, size));
    if (space_padded) value.erase(value.find_last_not_of(' ') + 1);
    out.push_back(std::move(value));
  }
  return out;
}

/// Reads any text, integer or floating-point attribute; nullopt for other types
/// (e.g. the object references of dimension-scale bookkeeping).
std::optional<AttrData> read_attr_data(hid_t attr) {
  Handle type(H5Aget_type(attr));
  Handle space(H5Aget_space(attr));
  if (!type.valid() || !space.valid()) return std::nullopt;
  const hssize_t points = H5Sget_simple_extent_npoints(space.get());
  const bool empty = H5Sget_simple_extent_type(space.get()) == H5S_NULL || points < 0;
  const std::size_t n = empty ? 0 : static_cast<std::size_t>(points);
  AttrData data;
  switch (H5Tget_class(type.get())) {
    case H5T_STRING:
      data.kind = AttrData::Kind::text;
      data.text = read_string_attr(attr, type.get(), space.get(), n);
      if (data.text.size() != n) return std::nullopt;
      return data;
    case H5T_INTEGER:
      data.kind = AttrData::Kind::integer;
      data.integers.resize(n);
      if (n > 0 && H5Aread(attr, H5T_NATIVE_INT64, data.integers.data()) < 0) return std::nullopt;
      return data;
    case H5T_FLOAT:
      data.kind = AttrData::Kind::real;
      data.reals.resize(n);
      if (n > 0 && H5Aread(attr, H5T_NATIVE_DOUBLE, data.reals.data()) < 0) return std::nullopt;
      return data;
    default: return std::nullopt;
  }
}

/// A single-valued text, integer or float attribute of `object`; nullopt when absent or of
/// another shape or type. Text of any length counts as one value.
std::optional<AttrValue> read_attr_value(hid_t object, const std::string& name) {
  if (H5Aexists(object, name.c_str()) <= 0) {
    H5Eclear2(k_error_stack);
    return std::nullopt;
  }
  Handle attr(H5Aopen(object, name.c_str(), k_default));
  if (!attr.valid()) {
    H5Eclear2(k_error_stack);
    return std::nullopt;
  }
  const auto data = read_attr_data(attr.get());
  H5Eclear2(k_error_stack);
  if (!data) return std::nullopt;
  switch (data->kind) {
    case AttrData::Kind::text:
      if (data->text.empty()) return AttrValue{std::string{}};  // netCDF's empty NC_CHAR
      if (data->text.size() == 1) return AttrValue{data->text.front()};
      break;
    case AttrData::Kind::integer:
      if (data->integers.size() == 1) return AttrValue{data->integers.front()};
      break;
    case AttrData::Kind::real:
      if (data->reals.size() == 1) return AttrValue{data->reals.front()};
      break;
  }
  return std::nullopt;
}

/// Writes (or replaces) a scalar attribute stored with `file_type`, from `value` in `mem_type`.
void write_raw_attr(hid_t object, const std::string& name, hid_t file_type, hid_t mem_type,
                    hid_t space, const void* value, const std::string& context) {
  if (H5Aexists(object, name.c_str()) > 0 && H5Adelete(object, name.c_str()) < 0) {
    throw_io(context + ": cannot replace attribute '" + name + "'");
  }
  Handle attr(H5Acreate2(object, name.c_str(), file_type, space, k_default, k_default));
  if (!attr.valid()) throw_io(context + ": cannot create attribute '" + name + "'");
  if (value != nullptr && H5Awrite(attr.get(), mem_type, value) < 0) {
    throw_io(context + ": cannot write attribute '" + name + "'");
  }
}

void write_attr(hid_t object, const std::string& name, const AttrValue& value,
                const std::string& context) {
  if (const auto* text = std::get_if<std::string>(&value)) {
    // Scalar fixed-length strings are what netCDF-4 writes for (and reads as) NC_CHAR text
    // attributes; HDF5 has no zero-length string type, so empty text uses a null dataspace,
    // again as netCDF does.
    Handle type(H5Tcopy(H5T_C_S1));
    if (!type.valid() || H5Tset_size(type.get(), std::max<std::size_t>(text->size(), 1)) < 0 ||
        H5Tset_strpad(type.get(), H5T_STR_NULLTERM) < 0 ||
        H5Tset_cset(type.get(), H5T_CSET_UTF8) < 0) {
      throw_io(context + ": cannot create the type of attribute '" + name + "'");
    }
    Handle space(H5Screate(text->empty() ? H5S_NULL : H5S_SCALAR));
    write_raw_attr(object, name, type.get(), type.get(), space.get(),
                   text->empty() ? nullptr : text->data(), context);
  } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    Handle space(H5Screate(H5S_SCALAR));
    write_raw_attr(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, space.get(), integer, context);
  } else {
    const double real = std::get<double>(value);
    Handle space(H5Screate(H5S_SCALAR));
    write_raw_attr(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space.get(), &real, context);
  }
}

std::vector<std::string> attribute_names(hid_t object) {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  if (H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names) < 0) {
    throw_io("cannot list attributes");
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool is_bookkeeping_attr(std::string_view name) {
  return std::find(k_bookkeeping_attrs.begin(), k_bookkeeping_attrs.end(), name) !=
         k_bookkeeping_attrs.end();
}

// ---------------------------------------------------------------------------------------
// Datasets and dimension scales

void check_name(const std::string& name, const char* what, const fs::path& path) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos) {
    throw InputError(quoted(path) + ": invalid " + what + " name '" + name +
                     "' (must be non-empty and contain no '/')");
  }
}

void check_attr_names(const std::vector<Attr>& attrs, const std::string& context) {
  for (const Attr& attr : attrs) {
    if (attr.name.empty() || is_bookkeeping_attr(attr.name) || attr.name == "_FillValue") {
      throw InputError(context + ": attribute name '" + attr.name +
                       "' is empty or reserved for netCDF/HDF5 bookkeeping");
    }
  }
}

std::vector<hsize_t> extent_of(hid_t dataset) {
  Handle space(H5Dget_space(dataset));
  const int rank = space.valid() ? H5Sget_simple_extent_ndims(space.get()) : -1;
  if (rank < 0) throw_io("cannot read a dataset's dataspace");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0) {
    throw_io("cannot read a dataset's dimensions");
  }
  return dims;
}

std::size_t element_count(const std::vector<hsize_t>& extent) {
  std::size_t n = 1;
  for (const hsize_t e : extent) n *= static_cast<std::size_t>(e);
  return n;
}

bool is_scale(hid_t dataset) {
  const htri_t r = H5DSis_scale(dataset);
  H5Eclear2(k_error_stack);
  return r > 0;
}

/// A netCDF dimension without coordinate variable (see k_dim_without_variable).
bool is_placeholder_dim(hid_t dataset) {
  if (!is_scale(dataset)) return false;
  const auto name = read_attr_value(dataset, "NAME");
  const auto* text = name ? std::get_if<std::string>(&*name) : nullptr;
  return text != nullptr && text->starts_with(k_dim_without_variable);
}

/// Name of the first scale attached to dimension `dim` of `dataset`, "" if none.
std::string attached_scale_name(hid_t dataset, unsigned dim) {
  std::string name;
  auto visit = [](hid_t, unsigned, hid_t scale, void* data) -> herr_t {
    std::array<char, 1024> buffer{};
    const ssize_t len = H5Iget_name(scale, buffer.data(), buffer.size());
    if (len > 0) {
      std::string full(buffer.data(), std::min(static_cast<std::size_t>(len), buffer.size() - 1));
      if (!full.empty() && full.front() == '/') full.erase(0, 1);
      *static_cast<std::string*>(data) = full;
    }
    return 1;  // the first scale is the dimension
  };
  if (H5DSget_num_scales(dataset, dim) > 0) {
    H5DSiterate_scales(dataset, dim, nullptr, visit, &name);
  }
  H5Eclear2(k_error_stack);
  return name;
}

/// Dimension names of a variable: a coordinate variable is its own dimension.
std::vector<std::string> dimension_names(hid_t dataset, const std::string& own_name) {
  if (is_scale(dataset)) return {own_name};
  const std::size_t rank = extent_of(dataset).size();
  std::vector<std::string> names;
  names.reserve(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    names.push_back(attached_scale_name(dataset, static_cast<unsigned>(i)));
  }
  return names;
}

/// Names of all datasets in the root group, sorted bytewise.
std::vector<std::string> dataset_names(hid_t file) {
  std::vector<std::string> links;
  auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  if (H5Literate(file, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &links) < 0) {
    throw_io("cannot list the file's contents");
  }
  std::vector<std::string> names;
  for (const std::string& link : links) {
    Handle object(H5Oopen(file, link.c_str(), k_default));
    if (object.valid() && H5Iget_type(object.get()) == H5I_DATASET) names.push_back(link);
  }
  H5Eclear2(k_error_stack);
  std::sort(names.begin(), names.end());
  return names;
}

/// Opens an existing tiersim file, with InputError for anything the user gave wrongly.
Handle open_checked(const fs::path& path, bool writable) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::exists(status)) throw InputError(quoted(path) + ": no such file");
  if (fs::is_directory(status)) {
    throw InputError(quoted(path) + ": is a directory, not a tiersim output file");
  }
  const htri_t hdf5 = H5Fis_hdf5(path.c_str());
  if (hdf5 <= 0) {
    const std::string detail = hdf5_detail();
    throw InputError(quoted(path) + ": not an HDF5 file (expected a tiersim output file)" +
                     (hdf5 < 0 ? detail : std::string{}));
  }
  Handle fapl = make_file_access_plist();
  Handle file(H5Fopen(path.c_str(), writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl.get()));
  if (!file.valid()) {
    const std::string detail = hdf5_detail();
    // HDF5 locks files it writes; EAGAIN from that lock means another process has it open.
    const bool locked = detail.find("Resource temporarily unavailable") != std::string::npos ||
                        detail.find("unable to lock file") != std::string::npos;
    throw InputError(quoted(path) + ": cannot open" + (writable ? " for update" : "") +
                     (locked ? ": another process is writing it" : "") + detail);
  }
  const auto format = read_attr_value(file.get(), k_format_attr);
  if (!format) {
    throw InputError(quoted(path) +
                     ": not a tiersim output file (no root attribute 'tiersim_format')");
  }
  const auto* text = std::get_if<std::string>(&*format);
  if (text == nullptr || *text != k_format_value) {
    throw InputError(quoted(path) + ": unsupported tiersim_format '" +
                     (text != nullptr ? *text : std::string("?")) + "' (expected '" +
                     std::string(k_format_value) + "')");
  }
  return file;
}

/// Selections for one hyperslab read or write.
struct Slab {
  Handle file_space;
  Handle memory_space;
  std::size_t size = 0;
};

// ---------------------------------------------------------------------------------------
// Content digest

/// Feeds a canonical, host-independent byte encoding into SHA-256.
class DigestWriter {
 public:
  void u64(std::uint64_t v) { little_endian(v, 8); }
  void text(std::string_view s) {
    u64(s.size());
    append(s);
  }
  void i64(std::int64_t v) { little_endian(static_cast<std::uint64_t>(v), 8); }
  void i32(std::int32_t v) { little_endian(static_cast<std::uint32_t>(v), 4); }
  void i8(std::int8_t v) { little_endian(static_cast<std::uint8_t>(v), 1); }
  void f64(double v) {
    // Every NaN (fill values, 0/0, ...) counts as the same value, whatever its payload.
    const std::uint64_t bits =
        std::isnan(v) ? 0x7ff8000000000000ULL : std::bit_cast<std::uint64_t>(v);
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
      for (const auto v : data.integers) out.i64(v);
      break;
    case AttrData::Kind::real:
      out.text("real");
      out.u64(data.reals.size());
      for (const auto v : data.reals) out.f64(v);
      break;
  }
}

template <class T, class Put>
void digest_numeric_block(hid_t dataset, hid_t mem_type, const Slab& slab, Put put,
                          const std::string& context) {
  std::vector<T> values(slab.size);
  if (H5Dread(dataset, mem_type, slab.memory_space.get(), slab.file_space.get(), k_default,
              values.data()) < 0) {
    throw_io(context + ": cannot read values");
  }
  for (const T v : values) put(v);
}

/// Values in blocks of whole rows along the first dimension, so memory stays bounded for
/// large variables.
void digest_values(DigestWriter& out, hid_t dataset, DType dtype,
                   const std::vector<hsize_t>& extent, const std::string& context) {
  out.u64(element_count(extent));
  if (element_count(extent) == 0) return;
  std::vector<hsize_t> start(extent.size(), 0);
  std::vector<hsize_t> count = extent;
  const std::size_t row = extent.empty() ? 1 : element_count(extent) / extent[0];
  const hsize_t rows_per_block =
      std::max<hsize_t>(1, (std::size_t{1} << 20) / std::max<std::size_t>(row, 1));
  const hsize_t total_rows = extent.empty() ? 1 : extent[0];

  for (hsize_t first = 0; first < total_rows; first += rows_per_block) {
    Slab slab;
    slab.file_space = Handle(H5Dget_space(dataset));
    if (extent.empty()) {
      slab.memory_space = Handle(H5Screate(H5S_SCALAR));
      slab.size = 1;
    } else {
      start[0] = first;
      count[0] = std::min(rows_per_block, total_rows - first);
      if (H5Sselect_hyperslab(slab.file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                              count.data(), nullptr) < 0) {
        throw_io(context + ": cannot select values");
      }
      slab.memory_space =
          Handle(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr));
      slab.size = element_count(count);
    }
    switch (dtype) {
      case DType::f64:
        digest_numeric_block<double>(dataset, H5T_NATIVE_DOUBLE, slab,
                                     [&](double v) { out.f64(v); }, context);
        break;
      case DType::i64:
        digest_numeric_block<std::int64_t>(dataset, H5T_NATIVE_INT64, slab,
                                           [&](std::int64_t v) { out.i64(v); }, context);
        break;
      case DType::i32:
        digest_numeric_block<std::int32_t>(dataset, H5T_NATIVE_INT32, slab,
                                           [&](std::int32_t v) { out.i32(v); }, context);
        break;
      case DType::i8:
        digest_numeric_block<std::int8_t>(dataset, H5T_NATIVE_INT8, slab,
                                          [&](std::int8_t v) { out.i8(v); }, context);
        break;
      case DType::str: {
        Handle type = vlen_string_type();
        std::vector<char*> ptrs(slab.size, nullptr);
        if (H5Dread(dataset, type.get(), slab.memory_space.get(), slab.file_space.get(),
                    k_default, ptrs.data()) < 0) {
          throw_io(context + ": cannot read values");
        }
        VlenReclaim reclaim(type.get(), slab.memory_space.get(), ptrs.data());
        for (const char* p : ptrs) out.text(p != nullptr ? p : "");
        break;
      }
    }
  }
}

std::string digest_file(hid_t file, const fs::path& path) {
  DigestWriter out;
  out.text("tiersim-content-digest-v1");
  for (const std::string& name : dataset_names(file)) {
    const std::string context = quoted(path) + ": variable '" + name + "'";
    Handle dataset(H5Dopen2(file, name.c_str(), k_default));
    if (!dataset.valid()) throw_io(context + ": cannot open");
    const auto extent = extent_of(dataset.get());
    if (is_placeholder_dim(dataset.get())) {
      out.text("dimension");
      out.text(name);
      out.u64(extent.empty() ? 0 : extent[0]);
      continue;
    }
    const auto dtype = dtype_of(dataset.get());
    if (!dtype) throw InputError(context + ": data type not supported by tiersim");

    out.text("variable");
    out.text(name);
    out.text(dtype_name(*dtype));
    const auto dims = dimension_names(dataset.get(), name);
    out.u64(extent.size());
    for (std::size_t i = 0; i < extent.size(); ++i) {
      out.text(i < dims.size() ? dims[i] : std::string{});
      out.u64(extent[i]);
    }

    std::vector<std::string> attrs;
    for (auto& attr_name : attribute_names(dataset.get())) {
      if (!is_bookkeeping_attr(attr_name)) attrs.push_back(std::move(attr_name));
    }
    out.u64(attrs.size());
    for (const std::string& attr_name : attrs) {
      Handle attr(H5Aopen(dataset.get(), attr_name.c_str(), k_default));
      const auto data = attr.valid() ? read_attr_data(attr.get()) : std::nullopt;
      if (!data) {
        throw InputError(context + ": attribute '" + attr_name + "' has an unsupported type" +
                         hdf5_detail());
      }
      out.text(attr_name);
      digest_attr(out, *data);
    }
    digest_values(out, dataset.get(), *dtype, extent, context);
  }
  return out.finish();
}

// ---------------------------------------------------------------------------------------
// Copying between files (sweep compaction, shard merge, re-opening a finished sweep)

/// Names in creation order when the object tracks it (every file NcFile writes does), else
/// in name order.
std::vector<std::string> names_in_creation_order(hid_t group) {
  std::vector<std::string> links;
  auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  if (H5Literate(group, H5_INDEX_CRT_ORDER, H5_ITER_INC, nullptr, collect, &links) < 0) {
    H5Eclear2(k_error_stack);
    links.clear();
    if (H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &links) < 0) {
      throw_io("cannot list the file's contents");
    }
  }
  std::vector<std::string> names;
  for (const std::string& link : links) {
    Handle object(H5Oopen(group, link.c_str(), k_default));
    if (object.valid() && H5Iget_type(object.get()) == H5I_DATASET) names.push_back(link);
  }
  H5Eclear2(k_error_stack);
  return names;
}

std::vector<std::string> attribute_names_in_creation_order(hid_t object) {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  if (H5Aiterate2(object, H5_INDEX_CRT_ORDER, H5_ITER_INC, nullptr, collect, &names) < 0) {
    H5Eclear2(k_error_stack);
    return attribute_names(object);
  }
  return names;
}

/// A 1-d variable-length string attribute (what netCDF-4 writes for NC_STRING arrays).
void write_string_array_attr(hid_t object, const std::string& name,
                             std::span<const std::string> values, const std::string& context) {
  std::vector<const char*> pointers;
  for (const std::string& v : values) {
    if (v.find('\0') != std::string::npos) {
      throw InputError(context + ": attribute '" + name + "' must not contain NUL characters");
    }
    pointers.push_back(v.c_str());
  }
  Handle type = vlen_string_type();
  const hsize_t n = values.size();
  Handle space(n == 0 ? H5Screate(H5S_NULL) : H5Screate_simple(1, &n, nullptr));
  write_raw_attr(object, name, type.get(), type.get(), space.get(),
                 n == 0 ? nullptr : pointers.data(), context);
}

/// Writes an attribute read by read_attr_data, keeping single values scalar.
void write_attr_data(hid_t object, const std::string& name, const AttrData& data,
                     const std::string& context) {
  switch (data.kind) {
    case AttrData::Kind::text:
      if (data.text.size() <= 1) {
        write_attr(object, name, AttrValue{data.text.empty() ? std::string() : data.text[0]},
                   context);
      } else {
        write_string_array_attr(object, name, data.text, context);
      }
      return;
    case AttrData::Kind::integer:
    case AttrData::Kind::real: {
      const bool integer = data.kind == AttrData::Kind::integer;
      const std::size_t n = integer ? data.integers.size() : data.reals.size();
      if (n == 1) {
        write_attr(object, name,
                   integer ? AttrValue{data.integers[0]} : AttrValue{data.reals[0]}, context);
        return;
      }
      const hsize_t extent = n;
      Handle space(n == 0 ? H5Screate(H5S_NULL) : H5Screate_simple(1, &extent, nullptr));
      const void* values = integer ? static_cast<const void*>(data.integers.data())
                                   : static_cast<const void*>(data.reals.data());
      write_raw_attr(object, name, integer ? H5T_STD_I64LE : H5T_IEEE_F64LE,
                     integer ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE, space.get(),
                     n == 0 ? nullptr : values, context);
      return;
    }
  }
}

/// Chunk shape of a chunked dataset; empty if it is not chunked.
std::vector<std::size_t> chunk_shape(hid_t dataset) {
  Handle dcpl(H5Dget_create_plist(dataset));
  if (!dcpl.valid() || H5Pget_layout(dcpl.get()) != H5D_CHUNKED) {
    H5Eclear2(k_error_stack);
    return {};
  }
  const int rank = H5Pget_chunk(dcpl.get(), 0, nullptr);
  if (rank <= 0) return {};
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Pget_chunk(dcpl.get(), rank, dims.data());
  return {dims.begin(), dims.end()};
}

/// Copies the hyperslab (start, count) of `src` into the same place of `dst`. The values
/// pass through memory in their native type, so nothing is converted or rounded.
void copy_slab(hid_t src, hid_t dst, DType dtype, const std::vector<hsize_t>& start,
               const std::vector<hsize_t>& count, const std::string& context) {
  const std::size_t n = count.empty() ? 1 : element_count(count);
  if (n == 0) return;
  Handle src_space(H5Dget_space(src));
  Handle dst_space(H5Dget_space(dst));
  Handle memory(count.empty() ? H5Screate(H5S_SCALAR)
                              : H5Screate_simple(static_cast<int>(count.size()), count.data(),
                                                 nullptr));
  if (!src_space.valid() || !dst_space.valid() || !memory.valid()) {
    throw_io(context + ": cannot create dataspaces");
  }
  if (!count.empty() &&
      (H5Sselect_hyperslab(src_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                           nullptr) < 0 ||
       H5Sselect_hyperslab(dst_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                           nullptr) < 0)) {
    throw_io(context + ": cannot select values");
  }
  if (dtype == DType::str) {
    Handle type = vlen_string_type();
    std::vector<char*> pointers(n, nullptr);
    if (H5Dread(src, type.get(), memory.get(), src_space.get(), k_default, pointers.data()) < 0) {
      throw_io(context + ": cannot read values");
    }
    VlenReclaim reclaim(type.get(), memory.get(), pointers.data());
    // Unwritten elements read as null pointers; write them back as empty strings, which is
    // how every reader shows them anyway.
    static const char empty[] = "";
    std::vector<const char*> values(pointers.begin(), pointers.end());
    for (const char*& p : values) {
      if (p == nullptr) p = empty;
    }
    if (H5Dwrite(dst, type.get(), memory.get(), dst_space.get(), k_default, values.data()) < 0) {
      throw_io(context + ": cannot write values");
    }
    return;
  }
  const hid_t memory_type = numeric_memory_type(dtype);
  std::vector<std::byte> buffer(n * H5Tget_size(memory_type));
  if (H5Dread(src, memory_type, memory.get(), src_space.get(), k_default, buffer.data()) < 0) {
    throw_io(context + ": cannot read values");
  }
  if (H5Dwrite(dst, memory_type, memory.get(), dst_space.get(), k_default, buffer.data()) < 0) {
    throw_io(context + ": cannot write values");
  }
}

/// Copies a whole dataset in blocks of rows along its first dimension (bounded memory).
void copy_dataset_values(hid_t src, hid_t dst, DType dtype, const std::vector<hsize_t>& extent,
                         const std::string& context) {
  if (extent.empty()) {
    copy_slab(src, dst, dtype, {}, {}, context);
    return;
  }
  const std::size_t row = element_count(extent) / std::max<hsize_t>(extent[0], 1);
  const hsize_t rows_per_block =
      std::max<hsize_t>(1, (std::size_t{1} << 20) / std::max<std::size_t>(row, 1));
  std::vector<hsize_t> start(extent.size(), 0);
  std::vector<hsize_t> count = extent;
  for (hsize_t first = 0; first < extent[0]; first += rows_per_block) {
    start[0] = first;
    count[0] = std::min(rows_per_block, extent[0] - first);
    copy_slab(src, dst, dtype, start, count, context);
  }
}

enum class Mode { create, in_place, update, read };

}  // namespace

// ---------------------------------------------------------------------------------------
// NcFile::Impl: every member function expects the caller to hold g_hdf5_mutex.

struct NcFile::Impl {
  fs::path final_path;
  fs::path disk_path;  // `<path>.partial` while a created file is being written
  Mode mode = Mode::read;
  bool overwrite = false;
  bool committed = false;
  bool keep_partial = false;
  Handle file;
  std::map<std::string, std::size_t> pending_dims;  // defined, no dataset in the file yet

  /// An open dataset with what every access checks, so that writes do not re-query HDF5.
  struct Dataset {
    Handle handle;
    bool scale = false;        // a dimension: coordinate variable or placeholder
    bool placeholder = false;  // a netCDF dimension without coordinate variable
    std::optional<DType> dtype;
    std::vector<hsize_t> extent;
    hid_t id() const { return handle.get(); }
  };
  std::map<std::string, Dataset> datasets;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() { abandon(); }

  /// Closes without committing; a created file's `.partial` is removed.
  void abandon() noexcept {
    datasets.clear();
    file.reset();
    if (mode == Mode::create && !committed && !keep_partial) {
      std::error_code ec;
      fs::remove(disk_path, ec);
    }
  }

  std::string where() const { return quoted(final_path); }
  std::string where(const std::string& var) const { return where() + ": variable '" + var + "'"; }

  void check_open() const {
    if (!file.valid()) {
      throw RuntimeFailure(where() + ": file already committed or closed");
    }
  }
  void check_writable() const {
    check_open();
    if (mode == Mode::read) throw RuntimeFailure(where() + ": file is open read-only");
  }

  bool exists(const std::string& name) const {
    if (name.empty() || name == "." || name.find('/') != std::string::npos) return false;
    const htri_t r = H5Lexists(file.get(), name.c_str(), k_default);
    H5Eclear2(k_error_stack);
    return r > 0;
  }

  /// Caches a dataset that was just opened or created (and, for a dimension, made a scale).
  Dataset& remember(const std::string& name, Handle handle) {
    Dataset info;
    info.scale = is_scale(handle.get());
    info.placeholder = info.scale && is_placeholder_dim(handle.get());
    info.dtype = dtype_of(handle.get());
    info.extent = extent_of(handle.get());
    info.handle = std::move(handle);
    return datasets.insert_or_assign(name, std::move(info)).first->second;
  }

  /// A dataset of the root group, or nullptr if there is none of that name.
  Dataset* find_dataset(const std::string& name) {
    if (auto it = datasets.find(name); it != datasets.end()) return &it->second;
    if (!exists(name)) return nullptr;
    Handle object(H5Oopen(file.get(), name.c_str(), k_default));
    if (!object.valid() || H5Iget_type(object.get()) != H5I_DATASET) {
      H5Eclear2(k_error_stack);
      return nullptr;
    }
    return &remember(name, std::move(object));
  }

  /// A data or coordinate variable; InputError if there is none of that name.
  Dataset& variable(const std::string& name) {
    Dataset* dataset = find_dataset(name);
    if (dataset == nullptr || dataset->placeholder) {
      throw InputError(where() + ": no variable '" + name + "'");
    }
    return *dataset;
  }

  DType variable_dtype(const Dataset& dataset, const std::string& name) const {
    if (!dataset.dtype) throw InputError(where(name) + ": data type not supported by tiersim");
    return *dataset.dtype;
  }

  std::optional<std::size_t> dimension_size(const std::string& name) {
    if (auto it = pending_dims.find(name); it != pending_dims.end()) return it->second;
    const Dataset* dataset = find_dataset(name);
    if (dataset == nullptr || !dataset->scale || dataset->extent.size() != 1) return std::nullopt;
    return static_cast<std::size_t>(dataset->extent[0]);
  }

  // --- dimensions -----------------------------------------------------------------------

  void define_dimension(const std::string& name, std::size_t size) {
    check_writable();
    check_name(name, "dimension", final_path);
    if (const auto existing = dimension_size(name)) {
      if (*existing != size) {
        throw InputError(where() + ": dimension '" + name + "' already defined with size " +
                         std::to_string(*existing) + ", not " + std::to_string(size));
      }
      return;  // re-defining identically is harmless (e.g. when resuming)
    }
    if (find_dataset(name) != nullptr) {
      throw InputError(where() + ": dimension name '" + name + "' is already a variable");
    }
    pending_dims.emplace(name, size);
  }

  /// Creates the netCDF placeholder dataset for a dimension that has no coordinate variable.
  void materialize_dimension(const std::string& name, std::size_t size) {
    const hsize_t extent = size;
    Handle space(H5Screate_simple(1, &extent, &extent));
    Handle dcpl = make_dataset_create_plist();
    // Never written, so never allocated: the placeholder costs no space (as in netCDF-C).
    if (!space.valid() || H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER) < 0) {
      throw_io(where() + ": cannot create dimension '" + name + "'");
    }
    Handle dataset(H5Dcreate2(file.get(), name.c_str(), H5T_IEEE_F32BE, space.get(), k_default,
                              dcpl.get(), k_default));
    std::string label(k_dim_without_variable);
    const std::string digits = std::to_string(size);
    label += std::string(digits.size() < 10 ? 10 - digits.size() : 0, ' ') + digits;  // "%10d"
    if (!dataset.valid() || H5DSset_scale(dataset.get(), label.c_str()) < 0) {
      throw_io(where() + ": cannot create dimension '" + name + "'");
    }
    remember(name, std::move(dataset));
    pending_dims.erase(name);
  }

  void materialize_pending() {
    while (!pending_dims.empty()) {
      const auto [name, size] = *pending_dims.begin();
      materialize_dimension(name, size);
    }
  }

  /// Prepares the coordinate dataset of `dim`: returns it if it exists with `dtype`, or -1
  /// after removing a placeholder that nothing refers to yet.
  hid_t existing_coordinate(const std::string& dim, DType dtype) {
    const Dataset* dataset = find_dataset(dim);
    if (dataset == nullptr) return -1;
    if (dataset->placeholder) {
      // The placeholder cannot change type in place; replacing it is only possible while no
      // variable has it attached.
      if (H5Aexists(dataset->id(), "REFERENCE_LIST") > 0) {
        throw InputError(where() + ": coordinate of dimension '" + dim +
                         "' must be written before variables are defined over it");
      }
      const std::size_t size = static_cast<std::size_t>(dataset->extent.at(0));
      datasets.erase(dim);
      if (H5Ldelete(file.get(), dim.c_str(), k_default) < 0) {
        throw_io(where() + ": cannot replace dimension '" + dim + "'");
      }
      pending_dims.emplace(dim, size);
      return -1;
    }
    if (dataset->dtype != dtype) {
      throw InputError(where() + ": coordinate '" + dim + "' already written as " +
                       (dataset->dtype ? dtype_name(*dataset->dtype) : "?") + ", not " +
                       dtype_name(dtype));
    }
    return dataset->id();
  }

  /// Writes the coordinate variable of `dim` whole; `write_values` fills a dataset.
  template <class WriteValues>
  void write_coordinate(const std::string& dim, DType dtype, std::size_t n,
                        const std::vector<Attr>& attrs, WriteValues write_values) {
    check_writable();
    check_name(dim, "dimension", final_path);
    check_attr_names(attrs, where(dim));
    const auto size = dimension_size(dim);
    if (!size) throw InputError(where() + ": dimension '" + dim + "' is not defined");
    if (*size != n) {
      throw InputError(where(dim) + ": coordinate has " + std::to_string(n) +
                       " values, dimension has size " + std::to_string(*size));
    }
    hid_t dataset = existing_coordinate(dim, dtype);
    if (dataset < 0) {
      const hsize_t extent = n;
      Handle space(H5Screate_simple(1, &extent, &extent));
      Handle dcpl = make_dataset_create_plist();
      Handle type = dtype == DType::str ? vlen_string_type() : Handle{};
      Handle created(H5Dcreate2(file.get(), dim.c_str(),
                                dtype == DType::str ? type.get() : numeric_file_type(dtype),
                                space.get(), k_default, dcpl.get(), k_default));
      // A scale whose NAME is the dimension's own name is a netCDF coordinate variable.
      if (!created.valid() || H5DSset_scale(created.get(), dim.c_str()) < 0) {
        throw_io(where(dim) + ": cannot create coordinate variable");
      }
      dataset = remember(dim, std::move(created)).id();
      pending_dims.erase(dim);
    }
    if (n > 0 && write_values(dataset) < 0) throw_io(where(dim) + ": cannot write coordinate");
    for (const Attr& attr : attrs) write_attr(dataset, attr.name, attr.value, where(dim));
  }

  // --- variables ------------------------------------------------------------------------

  void define_variable(const VarSpec& spec) {
    check_writable();
    check_name(spec.name, "variable", final_path);
    const std::string context = where(spec.name);
    check_attr_names(spec.attrs, context);

    if (const Dataset* existing = find_dataset(spec.name); existing != nullptr) {
      if (!existing->scale && existing->dtype == spec.dtype &&
          dimension_names(existing->id(), spec.name) == spec.dims) {
        return;  // already defined identically (resume)
      }
      throw InputError(context + ": already defined with a different type or dimensions");
    }
    if (pending_dims.contains(spec.name)) {
      throw InputError(context + ": name is already used by a dimension");
    }

    std::vector<hsize_t> extent;
    for (std::size_t i = 0; i < spec.dims.size(); ++i) {
      const std::string& dim = spec.dims[i];
      const auto size = dimension_size(dim);
      if (!size) throw InputError(context + ": dimension '" + dim + "' is not defined");
      if (std::count(spec.dims.begin(), spec.dims.end(), dim) > 1) {
        throw InputError(context + ": dimension '" + dim + "' is used twice");
      }
      extent.push_back(*size);
    }
    if (!spec.chunks.empty() && spec.chunks.size() != spec.dims.size()) {
      throw InputError(context + ": chunks has " + std::to_string(spec.chunks.size()) +
                       " entries for " + std::to_string(spec.dims.size()) + " dimensions");
    }
    for (std::size_t i = 0; i < spec.chunks.size(); ++i) {
      if (spec.chunks[i] == 0 || (extent[i] > 0 && spec.chunks[i] > extent[i])) {
        throw InputError(context + ": chunk size " + std::to_string(spec.chunks[i]) +
                         " along '" + spec.dims[i] + "' must be between 1 and the extent " +
                         std::to_string(extent[i]));
      }
    }
    if (spec.deflate_level < 0 || spec.deflate_level > 9) {
      throw InputError(context + ": deflate_level must be between 0 and 9, not " +
                       std::to_string(spec.deflate_level));
    }
    if (spec.allocate_early && spec.deflate_level > 0 && spec.dtype != DType::str) {
      // A compressed chunk changes size, and so the file's metadata, whenever it is rewritten.
      throw InputError(context + ": allocate_early needs deflate_level 0");
    }

    for (const std::string& dim : spec.dims) {
      if (auto it = pending_dims.find(dim); it != pending_dims.end()) {
        materialize_dimension(dim, it->second);
      }
    }

    Handle dcpl = make_dataset_create_plist();
    const bool any_empty = std::find(extent.begin(), extent.end(), hsize_t{0}) != extent.end();
    // HDF5 cannot chunk scalars, nor chunk a fixed extent of 0; those stay contiguous.
    if (!extent.empty() && !any_empty) {
      std::vector<hsize_t> chunk(spec.chunks.begin(), spec.chunks.end());
      if (chunk.empty()) {
        chunk = extent;
        chunk[0] = extent.size() == 1 ? std::min(extent[0], k_chunk_1d) : 1;
      }
      if (H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()) < 0) {
        throw_io(context + ": cannot set chunking");
      }
      // netCDF-C refuses filters on variable-length types, and they would only compress
      // heap references anyway.
      if (spec.deflate_level > 0 && spec.dtype != DType::str &&
          (H5Pset_shuffle(dcpl.get()) < 0 ||
           H5Pset_deflate(dcpl.get(), static_cast<unsigned>(spec.deflate_level)) < 0)) {
        throw_io(context + ": cannot set compression");
      }
    }

    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::int64_t zero = 0;
    Handle type;
    hid_t file_type = -1;
    if (spec.dtype == DType::str) {
      type = vlen_string_type();
      file_type = type.get();
    } else {
      file_type = numeric_file_type(spec.dtype);
      // Unwritten elements read as the fill value; HDF5 converts from the memory type.
      const void* fill = spec.dtype == DType::f64 ? static_cast<const void*>(&nan)
                                                  : static_cast<const void*>(&zero);
      const hid_t fill_type = spec.dtype == DType::f64 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64;
      if (H5Pset_fill_value(dcpl.get(), fill_type, fill) < 0) {
        throw_io(context + ": cannot set the fill value");
      }
    }

    // Early allocation writes the fill value into every chunk now; later writes then only
    // overwrite raw data in place and the chunk index never changes.
    if (spec.allocate_early && H5Pset_alloc_time(dcpl.get(), H5D_ALLOC_TIME_EARLY) < 0) {
      throw_io(context + ": cannot set early allocation");
    }

    Handle space(extent.empty()
                     ? H5Screate(H5S_SCALAR)
                     : H5Screate_simple(static_cast<int>(extent.size()), extent.data(), nullptr));
    Handle created(H5Dcreate2(file.get(), spec.name.c_str(), file_type, space.get(), k_default,
                              dcpl.get(), k_default));
    if (!space.valid() || !created.valid()) throw_io(context + ": cannot create variable");
    const hid_t dataset = remember(spec.name, std::move(created)).id();

    for (std::size_t i = 0; i < spec.dims.size(); ++i) {
      const Dataset* scale = find_dataset(spec.dims[i]);
      if (scale == nullptr ||
          H5DSattach_scale(dataset, scale->id(), static_cast<unsigned>(i)) < 0) {
        throw_io(context + ": cannot attach dimension '" + spec.dims[i] + "'");
      }
    }
    if (spec.dtype == DType::f64) {
      // netCDF requires _FillValue in the variable's own type. Integer variables get none:
      // with one, xarray turns them into floats and shows the fill value (0) as NaN.
      Handle attr_space(H5Screate(H5S_SCALAR));
      const void* fill = spec.dtype == DType::f64 ? static_cast<const void*>(&nan)
                                                  : static_cast<const void*>(&zero);
      const hid_t fill_type = spec.dtype == DType::f64 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64;
      write_raw_attr(dataset, "_FillValue", file_type, fill_type, attr_space.get(), fill, context);
    }
    for (const Attr& attr : spec.attrs) write_attr(dataset, attr.name, attr.value, context);
  }

  Slab select(const Dataset& dataset, const std::string& var,
              std::span<const std::size_t> start, std::span<const std::size_t> count) {
    const auto& extent = dataset.extent;
    const std::string context = where(var);
    if (start.size() != extent.size() || count.size() != extent.size()) {
      throw InputError(context + ": has " + std::to_string(extent.size()) +
                       " dimensions, got start/count with " + std::to_string(start.size()) +
                       "/" + std::to_string(count.size()) + " entries");
    }
    Slab slab;
    slab.size = 1;
    for (std::size_t i = 0; i < extent.size(); ++i) {
      if (start[i] > extent[i] || count[i] > extent[i] - start[i]) {
        const auto dims = dimension_names(dataset.id(), var);
        throw InputError(context + ": hyperslab start " + std::to_string(start[i]) +
                         " count " + std::to_string(count[i]) + " exceeds dimension '" +
                         dims[i] + "' of size " + std::to_string(extent[i]));
      }
      slab.size *= count[i];
    }
    slab.file_space = Handle(H5Dget_space(dataset.id()));
    if (extent.empty()) {
      slab.memory_space = Handle(H5Screate(H5S_SCALAR));
    } else if (slab.size > 0) {
      const std::vector<hsize_t> h_start(start.begin(), start.end());
      const std::vector<hsize_t> h_count(count.begin(), count.end());
      if (H5Sselect_hyperslab(slab.file_space.get(), H5S_SELECT_SET, h_start.data(), nullptr,
                              h_count.data(), nullptr) < 0) {
        throw_io(context + ": cannot select hyperslab");
      }
      slab.memory_space =
          Handle(H5Screate_simple(static_cast<int>(h_count.size()), h_count.data(), nullptr));
    }
    if (!slab.file_space.valid() || (slab.size > 0 && !slab.memory_space.valid())) {
      throw_io(context + ": cannot create dataspaces");
    }
    return slab;
  }

  template <class T>
  void write_numeric(const std::string& var, DType dtype, std::span<const std::size_t> start,
                     std::span<const std::size_t> count, std::span<const T> data) {
    check_writable();
    const Dataset& dataset = variable(var);
    const DType stored = variable_dtype(dataset, var);
    if (stored != dtype) {
      throw InputError(where(var) + ": has type " + dtype_name(stored) + ", cannot write " +
                       dtype_name(dtype) + " values");
    }
    const Slab slab = select(dataset, var, start, count);
    if (data.size() != slab.size) {
      throw InputError(where(var) + ": got " + std::to_string(data.size()) +
                       " values for a hyperslab of " + std::to_string(slab.size));
    }
    if (slab.size == 0) return;
    if (H5Dwrite(dataset.id(), numeric_memory_type(dtype), slab.memory_space.get(),
                 slab.file_space.get(), k_default, data.data()) < 0) {
      throw_io(where(var) + ": write failed");
    }
  }

  void write_strings(const std::string& var, std::span<const std::size_t> start,
                     std::span<const std::size_t> count, std::span<const std::string> data) {
    check_writable();
    const Dataset& dataset = variable(var);
    const DType stored = variable_dtype(dataset, var);
    if (stored != DType::str) {
      throw InputError(where(var) + ": has type " + dtype_name(stored) +
                       ", cannot write str values");
    }
    const Slab slab = select(dataset, var, start, count);
    if (data.size() != slab.size) {
      throw InputError(where(var) + ": got " + std::to_string(data.size()) +
                       " values for a hyperslab of " + std::to_string(slab.size));
    }
    if (slab.size == 0) return;
    const auto pointers = string_pointers(data, var);
    Handle type = vlen_string_type();
    if (H5Dwrite(dataset.id(), type.get(), slab.memory_space.get(), slab.file_space.get(),
                 k_default, pointers.data()) < 0) {
      throw_io(where(var) + ": write failed");
    }
  }

  std::vector<const char*> string_pointers(std::span<const std::string> data,
                                           const std::string& var) const {
    std::vector<const char*> pointers;
    pointers.reserve(data.size());
    for (const std::string& s : data) {
      // HDF5 strings are NUL-terminated: an embedded NUL would silently truncate the value.
      if (s.find('\0') != std::string::npos) {
        throw InputError(where(var) + ": string values must not contain NUL characters");
      }
      pointers.push_back(s.c_str());
    }
    return pointers;
  }

  template <class T>
  std::vector<T> read_numeric(const std::string& var, std::span<const std::size_t> start,
                              std::span<const std::size_t> count, DType want) {
    check_open();
    const Dataset& dataset = variable(var);
    const DType stored = variable_dtype(dataset, var);
    // Integers widen losslessly, so read_i64 accepts every integer type.
    const bool ok = stored == want || (want == DType::i64 && is_integer(stored));
    if (!ok) {
      throw InputError(where(var) + ": has type " + dtype_name(stored) + ", cannot read as " +
                       dtype_name(want));
    }
    const Slab slab = select(dataset, var, start, count);
    std::vector<T> out(slab.size);
    if (slab.size > 0 && H5Dread(dataset.id(), numeric_memory_type(want), slab.memory_space.get(),
                                 slab.file_space.get(), k_default, out.data()) < 0) {
      throw_io(where(var) + ": read failed");
    }
    return out;
  }

  std::vector<std::string> read_strings(const std::string& var) {
    check_open();
    const Dataset& dataset = variable(var);
    const DType stored = variable_dtype(dataset, var);
    if (stored != DType::str || dataset.extent.size() != 1) {
      throw InputError(where(var) + ": is not a 1-d str variable");
    }
    const std::size_t n = static_cast<std::size_t>(dataset.extent[0]);
    std::vector<std::string> out;
    if (n == 0) return out;
    Handle type = vlen_string_type();
    Handle space(H5Dget_space(dataset.id()));
    std::vector<char*> pointers(n, nullptr);
    if (H5Dread(dataset.id(), type.get(), space.get(), space.get(), k_default,
                pointers.data()) < 0) {
      throw_io(where(var) + ": read failed");
    }
    VlenReclaim reclaim(type.get(), space.get(), pointers.data());
    out.reserve(n);
    for (const char* p : pointers) out.emplace_back(p != nullptr ? p : "");
    return out;
  }

  // --- copying -------------------------------------------------------------------------

  void check_empty_destination() {
    if (!pending_dims.empty() || !dataset_names(file.get()).empty()) {
      throw RuntimeFailure(where() + ": copy_from needs a new, empty file");
    }
  }

  /// See NcFile::copy_from. `src` is another open file (its own Impl).
  void copy_from(Impl& src, const CopyOptions& options) {
    check_writable();
    src.check_open();
    check_empty_destination();
    for (const std::string& name : names_in_creation_order(src.file.get())) {
      Dataset& in = src.variable_or_dimension(name);
      const std::string context = src.where(name);
      if (in.placeholder) {
        define_dimension(name, static_cast<std::size_t>(in.extent.at(0)));
        continue;
      }
      if (!in.dtype) throw InputError(context + ": data type not supported by tiersim");
      const DType dtype = *in.dtype;
      if (in.scale) {
        const std::size_t n = static_cast<std::size_t>(in.extent.at(0));
        define_dimension(name, n);
        write_coordinate(name, dtype, n, {}, [&](hid_t out) -> herr_t {
          copy_dataset_values(in.id(), out, dtype, in.extent, context);
          return 0;
        });
      } else {
        VarSpec spec;
        spec.name = name;
        spec.dtype = dtype;
        spec.dims = dimension_names(in.id(), name);
        spec.chunks = chunk_shape(in.id());
        if (options.chunk_1d > 0 && spec.chunks.size() == 1 && !in.extent.empty()) {
          spec.chunks[0] = std::min<std::size_t>(options.chunk_1d,
                                                 std::max<hsize_t>(in.extent[0], 1));
        }
        for (std::size_t i = 0; i < spec.chunks.size(); ++i) {
          if (in.extent[i] == 0) spec.chunks.clear();  // define_variable refuses such chunks
        }
        spec.deflate_level = dtype == DType::str ? 0 : options.deflate_level;
        spec.allocate_early = options.allocate_early;
        define_variable(spec);
        copy_dataset_values(in.id(), variable(name).id(), dtype, in.extent, context);
      }
      // Attributes in their original order; _FillValue was written by define_variable.
      const hid_t out = variable_or_dimension(name).id();
      for (const std::string& attr_name : attribute_names_in_creation_order(in.id())) {
        if (is_bookkeeping_attr(attr_name) || attr_name == "_FillValue") continue;
        Handle attr(H5Aopen(in.id(), attr_name.c_str(), k_default));
        const auto data = attr.valid() ? read_attr_data(attr.get()) : std::nullopt;
        if (!data) throw InputError(context + ": attribute '" + attr_name + "' has an unsupported type");
        write_attr_data(out, attr_name, *data, where(name));
      }
    }
    for (const std::string& attr_name : attribute_names_in_creation_order(src.file.get())) {
      if (attr_name == k_format_attr ||
          std::find(options.skip_attributes.begin(), options.skip_attributes.end(), attr_name) !=
              options.skip_attributes.end()) {
        continue;
      }
      Handle attr(H5Aopen(src.file.get(), attr_name.c_str(), k_default));
      const auto data = attr.valid() ? read_attr_data(attr.get()) : std::nullopt;
      if (!data) {
        throw InputError(src.where() + ": root attribute '" + attr_name + "' has an unsupported type");
      }
      write_attr_data(file.get(), attr_name, *data, where());
    }
    materialize_pending();
  }

  /// See NcFile::copy_rows_from.
  void copy_rows_from(Impl& src, const std::string& dim, std::span<const std::size_t> rows) {
    check_writable();
    src.check_open();
    for (const std::string& name : dataset_names(src.file.get())) {
      Dataset& in = src.variable_or_dimension(name);
      if (in.scale || in.extent.empty()) continue;
      const auto dims = dimension_names(in.id(), name);
      if (dims.empty() || dims[0] != dim) continue;
      const std::string context = src.where(name);
      Dataset* out = find_dataset(name);
      if (out == nullptr || out->scale || out->dtype != in.dtype || out->extent != in.extent) {
        throw InputError(where(name) + ": does not match " + context +
                         " (different variables or shapes)");
      }
      if (!in.dtype) throw InputError(context + ": data type not supported by tiersim");
      std::vector<hsize_t> start(in.extent.size(), 0);
      std::vector<hsize_t> count = in.extent;
      count[0] = 1;
      for (const std::size_t row : rows) {
        if (row >= in.extent[0]) {
          throw InputError(context + ": row " + std::to_string(row) + " is outside dimension '" +
                           dim + "' of size " + std::to_string(in.extent[0]));
        }
        start[0] = row;
        copy_slab(in.id(), out->id(), *in.dtype, start, count, context);
      }
    }
  }

  /// Any dataset (data variable, coordinate or placeholder dimension) by name.
  Dataset& variable_or_dimension(const std::string& name) {
    Dataset* dataset = find_dataset(name);
    if (dataset == nullptr) throw InputError(where() + ": no variable '" + name + "'");
    return *dataset;
  }

  void close() {
    check_open();
    if (mode == Mode::create) {
      abandon();
      return;
    }
    if (mode != Mode::read) {
      materialize_pending();
      datasets.clear();
      if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) throw_io(where() + ": flush failed");
      sync_to_disk();
    }
    datasets.clear();
    if (H5Fclose(file.release()) < 0) throw_io(where() + ": closing the file failed");
  }

  // --- whole file -----------------------------------------------------------------------

  void flush() {
    check_open();
    if (mode == Mode::read) return;
    materialize_pending();
    if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) throw_io(where() + ": flush failed");
  }

  /// fsync, so that the rename in commit() never publishes a file whose data is still only
  /// in the page cache.
  void sync_to_disk() {
    Handle fapl(H5Fget_access_plist(file.get()));
    if (!fapl.valid()) throw_io(where() + ": cannot sync");
    if (H5Pget_driver(fapl.get()) != H5FD_SEC2) return;
    void* handle = nullptr;
    if (H5Fget_vfd_handle(file.get(), fapl.get(), &handle) < 0 || handle == nullptr) {
      throw_io(where() + ": cannot sync");
    }
    if (::fsync(*static_cast<int*>(handle)) != 0) {
      throw RuntimeFailure(where() + ": fsync failed: " + std::strerror(errno));
    }
  }

  void commit() {
    check_writable();
    materialize_pending();
    write_attr(file.get(), k_complete_attr, AttrValue{std::int64_t{1}}, where());
    datasets.clear();
    if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) throw_io(where() + ": flush failed");
    sync_to_disk();
    if (H5Fclose(file.release()) < 0) throw_io(where() + ": closing the file failed");
    if (mode != Mode::create) {
      committed = true;
      return;
    }
    std::error_code ec;
    if (!overwrite && fs::exists(final_path, ec)) {
      keep_partial = true;
      throw InputError(where() + ": appeared while the results were being written; they are in " +
                       quoted(disk_path));
    }
    fs::rename(disk_path, final_path, ec);
    if (ec) {
      throw RuntimeFailure("cannot rename " + quoted(disk_path) + " to " + where() + ": " +
                           ec.message());
    }
    committed = true;
    sync_directory();
  }

  /// Makes the rename itself durable; best effort, the data are already safe.
  void sync_directory() const {
    fs::path dir = final_path.parent_path();
    if (dir.empty()) dir = ".";
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
  }
};

// ---------------------------------------------------------------------------------------
// NcFile

namespace {

// A template, because NcFile::Impl is private and cannot be named here.
template <class T>
T& require(T* impl) {
  if (impl == nullptr) throw RuntimeFailure("NcFile: use of a moved-from object");
  return *impl;
}

}  // namespace

NcFile::NcFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

NcFile::NcFile(NcFile&&) noexcept = default;

NcFile& NcFile::operator=(NcFile&& other) noexcept {
  if (this != &other) {
    Lock lock(g_hdf5_mutex);
    std::unique_ptr<Impl> old = std::exchange(impl_, std::move(other.impl_));
    old.reset();
  }
  return *this;
}

NcFile::~NcFile() {
  if (!impl_) return;
  Lock lock(g_hdf5_mutex);
  impl_.reset();
}

/// The checks every new output file passes before HDF5 is called: a file name, an
/// existing parent directory, and no existing file unless `overwrite`.
static void check_new_output(const fs::path& path, bool overwrite) {
  if (path.empty() || !path.has_filename()) {
    throw InputError(quoted(path) + ": output path must name a file");
  }
  const fs::path parent = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  if (!fs::is_directory(parent, ec)) {
    throw InputError(quoted(path) + ": directory " + quoted(parent) + " does not exist");
  }
  const auto status = fs::status(path, ec);
  if (fs::exists(status)) {
    if (fs::is_directory(status)) throw InputError(quoted(path) + ": is a directory");
    if (!overwrite) throw InputError(quoted(path) + ": already exists (refusing to overwrite it)");
  }
}

NcFile NcFile::create(const fs::path& path, bool overwrite) {
  Lock lock(g_hdf5_mutex);
  init_hdf5();
  check_new_output(path, overwrite);

  auto impl = std::make_unique<Impl>();
  impl->final_path = path;
  impl->disk_path = path;
  impl->disk_path += ".partial";
  impl->mode = Mode::create;
  impl->overwrite = overwrite;
  Handle fcpl = make_file_create_plist();
  Handle fapl = make_file_access_plist();
  // A leftover `.partial` is from a run that died: truncating it is what we want.
  impl->file = Handle(H5Fcreate(impl->disk_path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()));
  if (!impl->file.valid()) throw_io("cannot create " + quoted(impl->disk_path));
  write_attr(impl->file.get(), k_format_attr, AttrValue{std::string(k_format_value)},
             impl->where());
  return NcFile(std::move(impl));
}

NcFile NcFile::create_in_place(const fs::path& path, bool overwrite) {
  Lock lock(g_hdf5_mutex);
  init_hdf5();
  check_new_output(path, overwrite);
  auto impl = std::make_unique<Impl>();
  impl->final_path = path;
  impl->disk_path = path;
  impl->mode = Mode::in_place;
  impl->overwrite = overwrite;
  Handle fcpl = make_file_create_plist();
  Handle fapl = make_file_access_plist();
  // EXCL also catches a file that appeared since the check above (another process).
  impl->file = Handle(H5Fcreate(path.c_str(), overwrite ? H5F_ACC_TRUNC : H5F_ACC_EXCL,
                                fcpl.get(), fapl.get()));
  if (!impl->file.valid()) throw_io("cannot create " + quoted(path));
  write_attr(impl->file.get(), k_format_attr, AttrValue{std::string(k_format_value)},
             impl->where());
  return NcFile(std::move(impl));
}

NcFile NcFile::open_update(const fs::path& path) {
  Lock lock(g_hdf5_mutex);
  init_hdf5();
  auto impl = std::make_unique<Impl>();
  impl->final_path = path;
  impl->disk_path = path;
  impl->mode = Mode::update;
  impl->file = open_checked(path, true);
  return NcFile(std::move(impl));
}

NcFile NcFile::open_read(const fs::path& path) {
  Lock lock(g_hdf5_mutex);
  init_hdf5();
  auto impl = std::make_unique<Impl>();
  impl->final_path = path;
  impl->disk_path = path;
  impl->mode = Mode::read;
  impl->file = open_checked(path, false);
  return NcFile(std::move(impl));
}

void NcFile::define_dimension(const std::string& name, std::size_t size) {
  Lock lock(g_hdf5_mutex);
  require(impl_.get()).define_dimension(name, size);
}

void NcFile::write_coordinate(const std::string& dim, std::span<const std::string> labels,
                              const std::vector<Attr>& attrs) {
  Lock lock(g_hdf5_mutex);
  Impl& impl = require(impl_.get());
  const auto pointers = impl.string_pointers(labels, dim);  // validate before creating
  impl.write_coordinate(dim, DType::str, labels.size(), attrs, [&](hid_t dataset) -> herr_t {
    Handle type = vlen_string_type();
    return H5Dwrite(dataset, type.get(), k_all, k_all, k_default, pointers.data());
  });
}

void NcFile::write_coordinate(const std::string& dim, std::span<const std::int64_t> values,
                              const std::vector<Attr>& attrs) {
  Lock lock(g_hdf5_mutex);
  require(impl_.get()).write_coordinate(dim, DType::i64, values.size(), attrs, [&](hid_t dataset) {
    return H5Dwrite(dataset, H5T_NATIVE_INT64, k_all, k_all, k_default, values.data());
  });
}

void NcFile::write_coordinate(const std::string& dim, std::span<const double> values,
                              const std::vector<Attr>& attrs) {
  Lock lock(g_hdf5_mutex);
  require(impl_.get()).write_coordinate(dim, DType::f64, values.size(), attrs, [&](hid_t dataset) {
    return H5Dwrite(dataset, H5T_NATIVE_DOUBLE, k_all, k_all, k_default, values.data());
  });
}

void NcFile::define_variable(const VarSpec& spec) {
  Lock lock(g_hdf5_mutex);
  require(impl_.get()).define_variable(spec);
}

void NcFile::write(const std::string& var, std::span<const std::size_t> start,
                   std::span<const std::size_t> count, std::span<const double> data) {
  Lock lock(g_hdf5_mutex);
  require(impl_.get()).write_numeric(var, DType::f64, start, count, data);
}

void NcFile::write(const std::string& var, std::span<const std::size_t> start,
                   std::span<const std::size_t> count, std::span<const std::int64_t> data) {
  Lock lock(g_hdf5_mutex);
  require(impl_.get()).write_numeric(var, DType::i64, start, count, data);
}

void NcFile::write(const std::string& var, std::span<const std::size_t> start,
                   std::span<const std::size_t> count, std::span<const std::int32_t> data) {
  Lock lock(g_hdf5_mutex);
  require(impl_.get()).write_numeric(var, DType::i32, start, count, data);
}

void NcFile::write(const std::string& var, std::span<const std::size_t> start,
                   std::span<const std::size_t> count, std::span<const std::int8_t> data) {
  Lock lock(g_hdf5_mutex);
  require(impl_.get()).write_numeric(var, DType::i8, start, count, data);
}

void NcFile::write(const std::string& var, std::span<const std::size_t> start,
                   std::span<const std::size_t> count, std::span<const std::string> data) {
  Lock lock(g_hdf5_mutex);
  require(impl_.get()).write_strings(var, start, count, data);
}

std::vector<double> NcFile::read_f64(const std::string& var, std::span<const std::size_t> start,
                                     std::span<const std::size_t> count) const {
  Lock lock(g_hdf5_mutex);
  return require(impl_.get()).read_numeric<double>(var, start, count, DType::f64);
}

std::vector<std::int64_t> NcFile::read_i64(const std::string& var,
                                           std::span<const std::size_t> start,
                                           std::span<const std::size_t> count) const {
  Lock lock(g_hdf5_mutex);
  return require(impl_.get()).read_numeric<std::int64_t>(var, start, count, DType::i64);
}

std::vector<std::int8_t> NcFile::read_i8(const std::string& var,
                                         std::span<const std::size_t> start,
                                         std::span<const std::size_t> count) const {
  Lock lock(g_hdf5_mutex);
  return require(impl_.get()).read_numeric<std::int8_t>(var, start, count, DType::i8);
}

std::vector<std::string> NcFile::read_str(const std::string& var) const {
  Lock lock(g_hdf5_mutex);
  return require(impl_.get()).read_strings(var);
}

bool NcFile::has_variable(const std::string& name) const {
  Lock lock(g_hdf5_mutex);
  Impl& impl = require(impl_.get());
  impl.check_open();
  const auto* dataset = impl.find_dataset(name);
  return dataset != nullptr && !dataset->placeholder;
}

std::vector<std::string> NcFile::variable_names() const {
  Lock lock(g_hdf5_mutex);
  Impl& impl = require(impl_.get());
  impl.check_open();
  std::vector<std::string> names;
  for (std::string& name : dataset_names(impl.file.get())) {
    const auto* dataset = impl.find_dataset(name);
    if (dataset != nullptr && !dataset->placeholder) names.push_back(std::move(name));
  }
  return names;
}

std::vector<std::string> NcFile::dimensions_of(const std::string& var) const {
  Lock lock(g_hdf5_mutex);
  Impl& impl = require(impl_.get());
  impl.check_open();
  return dimension_names(impl.variable(var).id(), var);
}

std::vector<std::size_t> NcFile::shape_of(const std::string& var) const {
  Lock lock(g_hdf5_mutex);
  Impl& impl = require(impl_.get());
  impl.check_open();
  const auto& extent = impl.variable(var).extent;
  return {extent.begin(), extent.end()};
}

std::optional<std::size_t> NcFile::dimension_size(const std::string& dim) const {
  Lock lock(g_hdf5_mutex);
  Impl& impl = require(impl_.get());
  impl.check_open();
  return impl.dimension_size(dim);
}

std::vector<std::pair<std::string, std::size_t>> NcFile::dimensions() const {
  Lock lock(g_hdf5_mutex);
  Impl& impl = require(impl_.get());
  impl.check_open();
  std::map<std::string, std::size_t> dims(impl.pending_dims);
  for (const std::string& name : dataset_names(impl.file.get())) {
    if (const auto size = impl.dimension_size(name)) dims.emplace(name, *size);
  }
  return {dims.begin(), dims.end()};
}

void NcFile::set_attribute(const std::string& name, const AttrValue& value) {
  Lock lock(g_hdf5_mutex);
  Impl& impl = require(impl_.get());
  impl.check_writable();
  if (name.empty()) throw InputError(impl.where() + ": attribute name must not be empty");
  if (name == k_format_attr) {
    throw InputError(impl.where() + ": attribute 'tiersim_format' is managed by NcFile");
  }
  write_attr(impl.file.get(), name, value, impl.where());
}

void NcFile::set_attribute(const std::string& name, std::span<const std::string> values) {
  Lock lock(g_hdf5_mutex);
  Impl& impl = require(impl_.get());
  impl.check_writable();
  if (name.empty() || name == k_format_attr) {
    throw InputError(impl.where() + ": attribute name '" + name + "' is empty or reserved");
  }
  write_string_array_attr(impl.file.get(), name, values, impl.where());
}

std::optional<std::vector<std::string>> NcFile::attribute_strings(const std::string& name) const {
  Lock lock(g_hdf5_mutex);
  Impl& impl = require(impl_.get());
  impl.check_open();
  if (H5Aexists(impl.file.get(), name.c_str()) <= 0) {
    H5Eclear2(k_error_stack);
    return std::nullopt;
  }
  Handle attr(H5Aopen(impl.file.get(), name.c_str(), k_default));
  const auto data = attr.valid() ? read_attr_data(attr.get()) : std::nullopt;
  H5Eclear2(k_error_stack);
  if (!data || data->kind != AttrData::Kind::text) return std::nullopt;
  return data->text;
}

std::optional<AttrValue> NcFile::attribute(const std::string& name) const {
  Lock lock(g_hdf5_mutex);
  Impl& impl = require(impl_.get());
  impl.check_open();
  return read_attr_value(impl.file.get(), name);
}

std::optional<AttrValue> NcFile::variable_attribute(const std::string& var,
                                                    const std::string& name) const {
  Lock lock(g_hdf5_mutex);
  Impl& impl = require(impl_.get());
  impl.check_open();
  return read_attr_value(impl.variable(var).id(), name);
}

void NcFile::flush() {
  Lock lock(g_hdf5_mutex);
  require(impl_.get()).flush();
}

void NcFile::commit() {
  Lock lock(g_hdf5_mutex);
  require(impl_.get()).commit();
}

void NcFile::close() {
  Lock lock(g_hdf5_mutex);
  require(impl_.get()).close();
}

void NcFile::copy_from(const NcFile& src, const CopyOptions& options) {
  Lock lock(g_hdf5_mutex);
  Impl& from = require(src.impl_.get());
  Impl& to = require(impl_.get());
  if (&from == &to) throw RuntimeFailure(to.where() + ": cannot copy a file into itself");
  to.copy_from(from, options);
}

void NcFile::copy_rows_from(const NcFile& src, const std::string& dim,
                            std::span<const std::size_t> rows) {
  Lock lock(g_hdf5_mutex);
  Impl& from = require(src.impl_.get());
  Impl& to = require(impl_.get());
  if (&from == &to) throw RuntimeFailure(to.where() + ": cannot copy a file into itself");
  to.copy_rows_from(from, dim, rows);
}

const fs::path& NcFile::path() const { return require(impl_.get()).final_path; }

std::string content_digest(const fs::path& path) {
  Lock lock(g_hdf5_mutex);
  init_hdf5();
  const Handle file = open_checked(path, false);
  return digest_file(file.get(), path);
}

}  // namespace tiersim::output
