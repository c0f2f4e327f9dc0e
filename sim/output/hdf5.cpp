#include "sim/output/detail/hdf5.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "sim/core/error.hpp"

namespace tiersim::output::detail {
namespace {

std::mutex g_hdf5_mutex;

herr_t collect_error(unsigned /*n*/, const H5E_error2_t* err, void* data) {
  auto* out = static_cast<std::vector<std::string>*>(data);
  if (err->desc != nullptr && err->desc[0] != '\0') out->emplace_back(err->desc);
  return 0;
}

herr_t collect_link(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}

herr_t collect_attr(hid_t, const char* name, const H5A_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}

/// The links of `links` that name datasets. An object that cannot be opened (a damaged
/// header, a dangling link) is an InputError naming it: skipping it would hide the damage.
std::vector<std::string> only_datasets(hid_t group, const std::vector<std::string>& links, const std::string& context) {
  std::vector<std::string> names;
  for (const std::string& link : links) {
    Handle object(H5Oopen(group, link.c_str(), k_default));
    if (!object.valid()) {
      const std::string detail = hdf5_detail();
      throw InputError(context + ": variable '" + link + "' cannot be read: the file is damaged" + detail);
    }
    if (H5Iget_type(object.get()) == H5I_DATASET) names.push_back(link);
  }
  clear_errors();
  return names;
}

std::vector<std::string> read_string_attr(hid_t attr, hid_t file_type, hid_t space, std::size_t n) {
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

/// A 1-d (or, for no values, null) floating-point attribute of `n` values.
void write_real_array_attr(hid_t object, const std::string& name, const double* values, std::size_t n,
                           const std::string& context) {
  const hsize_t extent = n;
  Handle space(n == 0 ? H5Screate(H5S_NULL) : H5Screate_simple(1, &extent, nullptr));
  write_raw_attr(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space.get(), n == 0 ? nullptr : values, context);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// The lock and errors

Hdf5Lock::Hdf5Lock() : lock_(g_hdf5_mutex) {}

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

void throw_io(const std::string& what) { throw RuntimeFailure(what + hdf5_detail()); }

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

// ---------------------------------------------------------------------------------------
// Identifiers

void Handle::reset() noexcept {
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

Handle vlen_string_type() {
  Handle type(H5Tcopy(H5T_C_S1));
  if (!type.valid() || H5Tset_size(type.get(), k_variable_length) < 0 || H5Tset_cset(type.get(), H5T_CSET_UTF8) < 0 ||
      H5Tset_strpad(type.get(), H5T_STR_NULLTERM) < 0) {
    throw_io("cannot create the HDF5 string type");
  }
  return type;
}

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

bool is_integer(DType dtype) { return dtype == DType::i64 || dtype == DType::i32 || dtype == DType::i8; }

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

std::vector<const char*> string_pointers(std::span<const std::string> values, const std::string& context) {
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const std::string& s : values) {
    if (s.find('\0') != std::string::npos) {
      throw InputError(context + ": string values must not contain NUL characters");
    }
    pointers.push_back(s.c_str());
  }
  return pointers;
}

std::vector<std::string> read_strings(hid_t dataset, hid_t memory_space, hid_t file_space, std::size_t n,
                                      const std::string& failure) {
  Handle type = vlen_string_type();
  std::vector<char*> pointers(n, nullptr);
  const Handle transfer = conversion_transfer_plist(n);
  if (H5Dread(dataset, type.get(), memory_space, file_space, transfer.get(), pointers.data()) < 0) {
    throw_io(failure);
  }
  VlenReclaim reclaim(type.get(), memory_space, pointers.data());
  std::vector<std::string> out;
  out.reserve(n);
  for (const char* p : pointers) out.emplace_back(p != nullptr ? p : "");
  return out;
}

// ---------------------------------------------------------------------------------------
// Property lists, dataspaces, listings

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
      H5Pset_attr_creation_order(fcpl.get(), order) < 0 || H5Pset_obj_track_times(fcpl.get(), false) < 0) {
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

Handle conversion_transfer_plist(std::size_t elements) {
  constexpr std::size_t kBytesPerElement = 32;        // more than a pointer or a heap reference
  constexpr std::size_t kDefaultBytes = 1024 * 1024;  // HDF5's default conversion buffer
  const std::size_t bytes = std::clamp(elements * kBytesPerElement, kBytesPerElement, kDefaultBytes);
  Handle dxpl(H5Pcreate(H5P_DATASET_XFER));
  if (!dxpl.valid() || H5Pset_buffer(dxpl.get(), bytes, nullptr, nullptr) < 0) {
    throw_io("cannot create an HDF5 transfer property list");
  }
  return dxpl;
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

std::vector<std::string> dataset_names(hid_t file, const std::string& context) {
  std::vector<std::string> links;
  if (H5Literate(file, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_link, &links) < 0) {
    throw InputError(context + ": cannot list the file's contents: the file is damaged" + hdf5_detail());
  }
  std::vector<std::string> names = only_datasets(file, links, context);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> names_in_creation_order(hid_t group, const std::string& context) {
  std::vector<std::string> links;
  if (H5Literate(group, H5_INDEX_CRT_ORDER, H5_ITER_INC, nullptr, collect_link, &links) < 0) {
    clear_errors();
    links.clear();
    if (H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_link, &links) < 0) {
      throw InputError(context + ": cannot list the file's contents: the file is damaged" + hdf5_detail());
    }
  }
  return only_datasets(group, links, context);
}

// ---------------------------------------------------------------------------------------
// Attributes

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
      data.integer_type = H5Tget_size(type.get()) == 1   ? DType::i8
                          : H5Tget_size(type.get()) <= 4 ? DType::i32
                                                         : DType::i64;
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

std::optional<AttrData> read_attr_data(hid_t object, const std::string& name) {
  Handle attr(H5Aopen(object, name.c_str(), k_default));
  return attr.valid() ? read_attr_data(attr.get()) : std::nullopt;
}

std::optional<AttrData> find_attr(hid_t object, const std::string& name) {
  if (H5Aexists(object, name.c_str()) <= 0) {
    clear_errors();
    return std::nullopt;
  }
  auto data = read_attr_data(object, name);
  clear_errors();
  return data;
}

std::optional<AttrValue> read_attr_value(hid_t object, const std::string& name) {
  const auto data = find_attr(object, name);
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

void write_raw_attr(hid_t object, const std::string& name, hid_t file_type, hid_t mem_type, hid_t space,
                    const void* value, const std::string& context) {
  if (H5Aexists(object, name.c_str()) > 0 && H5Adelete(object, name.c_str()) < 0) {
    throw_io(context + ": cannot replace attribute '" + name + "'");
  }
  Handle attr(H5Acreate2(object, name.c_str(), file_type, space, k_default, k_default));
  if (!attr.valid()) throw_io(context + ": cannot create attribute '" + name + "'");
  if (value != nullptr && H5Awrite(attr.get(), mem_type, value) < 0) {
    throw_io(context + ": cannot write attribute '" + name + "'");
  }
}

void write_attr(hid_t object, const std::string& name, const AttrValue& value, const std::string& context) {
  if (const auto* text = std::get_if<std::string>(&value)) {
    // Scalar fixed-length strings are what netCDF-4 writes for (and reads as) NC_CHAR text
    // attributes; HDF5 has no zero-length string type, so empty text uses a null dataspace,
    // again as netCDF does.
    Handle type(H5Tcopy(H5T_C_S1));
    if (!type.valid() || H5Tset_size(type.get(), std::max<std::size_t>(text->size(), 1)) < 0 ||
        H5Tset_strpad(type.get(), H5T_STR_NULLTERM) < 0 || H5Tset_cset(type.get(), H5T_CSET_UTF8) < 0) {
      throw_io(context + ": cannot create the type of attribute '" + name + "'");
    }
    Handle space(H5Screate(text->empty() ? H5S_NULL : H5S_SCALAR));
    write_raw_attr(object, name, type.get(), type.get(), space.get(), text->empty() ? nullptr : text->data(), context);
  } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    Handle space(H5Screate(H5S_SCALAR));
    write_raw_attr(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, space.get(), integer, context);
  } else {
    const double real = std::get<double>(value);
    Handle space(H5Screate(H5S_SCALAR));
    write_raw_attr(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space.get(), &real, context);
  }
}

void write_attrs(hid_t object, const std::vector<Attr>& attrs, const std::string& context) {
  for (const Attr& attr : attrs) write_attr(object, attr.name, attr.value, context);
}

void write_string_array_attr(hid_t object, const std::string& name, std::span<const std::string> values,
                             const std::string& context) {
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
  write_raw_attr(object, name, type.get(), type.get(), space.get(), n == 0 ? nullptr : pointers.data(), context);
}

void write_integer_array_attr(hid_t object, const IntegerArrayAttr& attr, const std::string& context) {
  const hsize_t n = attr.values.size();
  Handle space(n == 0 ? H5Screate(H5S_NULL) : H5Screate_simple(1, &n, nullptr));
  // HDF5 converts from the 64-bit memory values to the narrower stored type.
  write_raw_attr(object, attr.name, numeric_file_type(attr.dtype), H5T_NATIVE_INT64, space.get(),
                 n == 0 ? nullptr : attr.values.data(), context);
}

void write_attr_data(hid_t object, const std::string& name, const AttrData& data, const std::string& context) {
  switch (data.kind) {
    case AttrData::Kind::text:
      if (data.text.size() <= 1) {
        write_attr(object, name, AttrValue{data.text.empty() ? std::string() : data.text[0]}, context);
      } else {
        write_string_array_attr(object, name, data.text, context);
      }
      return;
    case AttrData::Kind::integer:
      if (data.integers.size() == 1 && data.integer_type == DType::i64) {
        write_attr(object, name, AttrValue{data.integers[0]}, context);
      } else {
        write_integer_array_attr(object, IntegerArrayAttr{name, data.integer_type, data.integers}, context);
      }
      return;
    case AttrData::Kind::real:
      if (data.reals.size() == 1) {
        write_attr(object, name, AttrValue{data.reals[0]}, context);
      } else {
        write_real_array_attr(object, name, data.reals.data(), data.reals.size(), context);
      }
      return;
  }
}

std::vector<std::string> attribute_names(hid_t object) {
  std::vector<std::string> names;
  if (H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_attr, &names) < 0) {
    throw_io("cannot list attributes");
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> attribute_names_in_creation_order(hid_t object) {
  std::vector<std::string> names;
  if (H5Aiterate2(object, H5_INDEX_CRT_ORDER, H5_ITER_INC, nullptr, collect_attr, &names) < 0) {
    clear_errors();
    return attribute_names(object);
  }
  return names;
}

}  // namespace tiersim::output::detail
