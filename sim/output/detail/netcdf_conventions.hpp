#pragma once
// The netCDF-4 data model on HDF5, written by hand the way netCDF-C lays out its own files
// (tests/python/test_nc_xarray.py checks that netCDF readers agree):
//  - a dimension is an HDF5 dimension scale: either the dimension's coordinate variable (a
//    scale whose NAME is its own name) or, without one, a placeholder dataset that is never
//    written;
//  - a variable has the scales of its dimensions attached, in order;
//  - numeric variables are filled (NaN or 0) until written, and only f64 variables carry a
//    `_FillValue` attribute;
//  - HDF5 and netCDF-C keep bookkeeping attributes (object references, ids) that depend on
//    the file's layout, not on its content.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "sim/output/detail/hdf5.hpp"

namespace tiersim::output::detail {

/// An attribute maintained by HDF5's dimension-scale API or netCDF-C.
bool is_bookkeeping_attr(std::string_view name);
/// A bookkeeping attribute or `_FillValue` (which follows from the variable's type).
bool is_reserved_attr(std::string_view name);

/// InputError unless `name` can name a dimension or variable (`what`) of the file at `path`.
void check_name(const std::string& name, const char* what, const std::filesystem::path& path);
/// InputError for an attribute name that is empty or reserved.
void check_attr_names(const std::vector<Attr>& attrs, const std::string& context);

bool is_scale(hid_t dataset);
/// A netCDF dimension without coordinate variable.
bool is_placeholder_dim(hid_t dataset);
/// Whether variables have this dimension scale attached.
bool has_attached_variables(hid_t scale);
/// Dimension names of a variable: a coordinate variable is its own dimension.
std::vector<std::string> dimension_names(hid_t dataset, const std::string& own_name);

/// Creates the placeholder dataset of a dimension that has no coordinate variable.
Handle create_placeholder_dimension(hid_t file, const std::string& name, std::size_t size, const std::string& context);
/// Creates the coordinate variable of dimension `dim`, of `n` elements.
Handle create_coordinate_variable(hid_t file, const std::string& dim, DType dtype, std::size_t n,
                                  const std::string& context);
/// Creates a data variable of `spec` with its storage (chunks, compression, fill value,
/// allocation), attaches the dimension scales `scales` (one per dimension) and writes its
/// `_FillValue`. `extent` has one entry per dimension of `spec`.
Handle create_data_variable(hid_t file, const VarSpec& spec, const std::vector<hsize_t>& extent,
                            std::span<const hid_t> scales, const std::string& context);

}  // namespace tiersim::output::detail
