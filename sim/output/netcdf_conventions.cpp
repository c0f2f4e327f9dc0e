#include "sim/output/detail/netcdf_conventions.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <array>
#include <limits>

#include "sim/core/error.hpp"

namespace tiersim::output::detail {
namespace {

// netCDF-4's NAME for a dimension scale that has no coordinate variable (DIM_WITHOUT_VARIABLE
// in netCDF-C); netCDF recognises such placeholder datasets by this prefix alone.
constexpr std::string_view k_dim_without_variable = "This is a netCDF dimension but not a netCDF variable.";

// Attributes that HDF5's dimension-scale API and netCDF-C maintain themselves: they hold
// object references and ids that depend on the file layout, not on the content.
constexpr std::array<std::string_view, 6> k_bookkeeping_attrs = {
    "CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST", "_Netcdf4Dimid", "_Netcdf4Coordinates"};

constexpr const char* k_fill_value_attr = "_FillValue";

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
  clear_errors();
  return name;
}

/// Chunking and compression of a data variable. HDF5 cannot chunk scalars, nor chunk a
/// fixed extent of 0; those stay contiguous (and so uncompressed).
void set_chunking(hid_t dcpl, const VarSpec& spec, const std::vector<hsize_t>& extent, const std::string& context) {
  const bool any_empty = std::find(extent.begin(), extent.end(), hsize_t{0}) != extent.end();
  if (extent.empty() || any_empty) return;
  std::vector<hsize_t> chunk(spec.chunks.begin(), spec.chunks.end());
  if (chunk.empty()) {
    chunk = extent;
    chunk[0] = extent.size() == 1 ? std::min<hsize_t>(extent[0], kDefaultChunk1d) : 1;
  }
  if (H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()) < 0) {
    throw_io(context + ": cannot set chunking");
  }
  // netCDF-C refuses filters on variable-length types, and they would only compress
  // heap references anyway.
  if (spec.deflate_level > 0 && spec.dtype != DType::str &&
      (H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, static_cast<unsigned>(spec.deflate_level)) < 0)) {
    throw_io(context + ": cannot set compression");
  }
}

// Unwritten elements of numeric variables read as NaN (f64) or 0 (integers); HDF5 converts
// the fill value from its memory type.
constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t k_zero = 0;

Handle data_variable_plist(const VarSpec& spec, const std::vector<hsize_t>& extent, const std::string& context) {
  Handle dcpl = make_dataset_create_plist();
  set_chunking(dcpl.get(), spec, extent, context);
  if (spec.dtype != DType::str) {
    const bool real = spec.dtype == DType::f64;
    if (H5Pset_fill_value(dcpl.get(), real ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64,
                          real ? static_cast<const void*>(&k_nan) : static_cast<const void*>(&k_zero)) < 0) {
      throw_io(context + ": cannot set the fill value");
    }
  }
  // Early allocation writes the fill value into every chunk now; later writes then only
  // overwrite raw data in place and the chunk index never changes.
  if (spec.allocate_early && H5Pset_alloc_time(dcpl.get(), H5D_ALLOC_TIME_EARLY) < 0) {
    throw_io(context + ": cannot set early allocation");
  }
  return dcpl;
}

}  // namespace

bool is_bookkeeping_attr(std::string_view name) {
  return std::find(k_bookkeeping_attrs.begin(), k_bookkeeping_attrs.end(), name) != k_bookkeeping_attrs.end();
}

bool is_reserved_attr(std::string_view name) { return is_bookkeeping_attr(name) || name == k_fill_value_attr; }

void check_name(const std::string& name, const char* what, const std::filesystem::path& path) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos || name.find('\0') != std::string::npos) {
    throw InputError(quoted(path) + ": invalid " + what + " name '" + name +
                     "' (must be non-empty and contain no '/')");
  }
}

void check_attr_names(const std::vector<Attr>& attrs, const std::string& context) {
  for (const Attr& attr : attrs) {
    if (attr.name.empty() || is_reserved_attr(attr.name)) {
      throw InputError(context + ": attribute name '" + attr.name +
                       "' is empty or reserved for netCDF/HDF5 bookkeeping");
    }
  }
}

bool is_scale(hid_t dataset) {
  const htri_t r = H5DSis_scale(dataset);
  clear_errors();
  return r > 0;
}

bool is_placeholder_dim(hid_t dataset) {
  if (!is_scale(dataset)) return false;
  const auto name = read_attr_value(dataset, "NAME");
  const auto* text = name ? std::get_if<std::string>(&*name) : nullptr;
  return text != nullptr && text->starts_with(k_dim_without_variable);
}

bool has_attached_variables(hid_t scale) { return H5Aexists(scale, "REFERENCE_LIST") > 0; }

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

Handle create_placeholder_dimension(hid_t file, const std::string& name, std::size_t size, const std::string& context) {
  const hsize_t extent = size;
  Handle space(H5Screate_simple(1, &extent, &extent));
  Handle dcpl = make_dataset_create_plist();
  // Never written, so never allocated: the placeholder costs no space (as in netCDF-C).
  if (!space.valid() || H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER) < 0) {
    throw_io(context + ": cannot create dimension '" + name + "'");
  }
  Handle dataset(H5Dcreate2(file, name.c_str(), H5T_IEEE_F32BE, space.get(), k_default, dcpl.get(), k_default));
  std::string label(k_dim_without_variable);
  const std::string digits = std::to_string(size);
  label += std::string(digits.size() < 10 ? 10 - digits.size() : 0, ' ') + digits;  // "%10d"
  if (!dataset.valid() || H5DSset_scale(dataset.get(), label.c_str()) < 0) {
    throw_io(context + ": cannot create dimension '" + name + "'");
  }
  return dataset;
}

Handle create_coordinate_variable(hid_t file, const std::string& dim, DType dtype, std::size_t n,
                                  const std::string& context) {
  const hsize_t extent = n;
  Handle space(H5Screate_simple(1, &extent, &extent));
  Handle dcpl = make_dataset_create_plist();
  Handle type = dtype == DType::str ? vlen_string_type() : Handle{};
  Handle created(H5Dcreate2(file, dim.c_str(), dtype == DType::str ? type.get() : numeric_file_type(dtype), space.get(),
                            k_default, dcpl.get(), k_default));
  // A scale whose NAME is the dimension's own name is a netCDF coordinate variable.
  if (!created.valid() || H5DSset_scale(created.get(), dim.c_str()) < 0) {
    throw_io(context + ": cannot create coordinate variable");
  }
  return created;
}

Handle create_data_variable(hid_t file, const VarSpec& spec, const std::vector<hsize_t>& extent,
                            std::span<const hid_t> scales, const std::string& context) {
  Handle dcpl = data_variable_plist(spec, extent, context);
  Handle type = spec.dtype == DType::str ? vlen_string_type() : Handle{};
  const hid_t file_type = spec.dtype == DType::str ? type.get() : numeric_file_type(spec.dtype);
  Handle space(extent.empty() ? H5Screate(H5S_SCALAR)
                              : H5Screate_simple(static_cast<int>(extent.size()), extent.data(), nullptr));
  Handle created(H5Dcreate2(file, spec.name.c_str(), file_type, space.get(), k_default, dcpl.get(), k_default));
  if (!space.valid() || !created.valid()) throw_io(context + ": cannot create variable");

  for (std::size_t i = 0; i < scales.size(); ++i) {
    if (H5DSattach_scale(created.get(), scales[i], static_cast<unsigned>(i)) < 0) {
      throw_io(context + ": cannot attach dimension '" + spec.dims[i] + "'");
    }
  }
  if (spec.dtype == DType::f64) {
    // netCDF requires _FillValue in the variable's own type. Integer variables get none:
    // with one, xarray turns them into floats and shows the fill value (0) as NaN.
    Handle attr_space(H5Screate(H5S_SCALAR));
    write_raw_attr(created.get(), k_fill_value_attr, file_type, H5T_NATIVE_DOUBLE, attr_space.get(), &k_nan, context);
  }
  return created;
}

}  // namespace tiersim::output::detail
