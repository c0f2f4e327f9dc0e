#include "sim/output/detail/nc_copy.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/output/detail/chunk_writer.hpp"
#include "sim/output/detail/netcdf_conventions.hpp"
#include "sim/output/result_schema.hpp"

namespace tiersim::output::detail {
namespace {

using Dataset = NcFileImpl::Dataset;

/// Where a copied variable comes from and goes to, for messages: reads name the source,
/// writes the destination.
struct Where {
  std::string from, to;
};

/// Copies strings through memory; unwritten elements (null pointers) are written back as
/// empty strings, which is how every reader shows them anyway.
void copy_strings(hid_t src, hid_t dst, hid_t memory, hid_t src_space, hid_t dst_space, std::size_t n,
                  const Where& where) {
  const auto values = read_strings(src, memory, src_space, n, where.from + ": cannot read values");
  const auto pointers = string_pointers(values, where.from);
  Handle type = vlen_string_type();
  const Handle transfer = conversion_transfer_plist(n);
  if (H5Dwrite(dst, type.get(), memory, dst_space, transfer.get(), pointers.data()) < 0) {
    throw_io(where.to + ": cannot write values");
  }
}

/// Copies the hyperslab (start, count) of `src` into the same place of `dst`. The values
/// pass through memory in their native type, so nothing is converted or rounded.
void copy_slab(hid_t src, hid_t dst, DType dtype, const std::vector<hsize_t>& start, const std::vector<hsize_t>& count,
               const Where& where) {
  const std::size_t n = count.empty() ? 1 : element_count(count);
  if (n == 0) return;
  Handle src_space(H5Dget_space(src));
  Handle dst_space(H5Dget_space(dst));
  Handle memory(count.empty() ? H5Screate(H5S_SCALAR)
                              : H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr));
  if (!src_space.valid() || !dst_space.valid() || !memory.valid()) {
    throw_io(where.to + ": cannot create dataspaces");
  }
  if (!count.empty() &&
      (H5Sselect_hyperslab(src_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0 ||
       H5Sselect_hyperslab(dst_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0)) {
    throw_io(where.to + ": cannot select values");
  }
  if (dtype == DType::str) {
    copy_strings(src, dst, memory.get(), src_space.get(), dst_space.get(), n, where);
    return;
  }
  const hid_t memory_type = numeric_memory_type(dtype);
  std::vector<std::byte> buffer(n * H5Tget_size(memory_type));
  const Handle transfer = conversion_transfer_plist(n);
  if (H5Dread(src, memory_type, memory.get(), src_space.get(), transfer.get(), buffer.data()) < 0) {
    throw_io(where.from + ": cannot read values");
  }
  if (write_whole_chunks(dst, memory_type, start, count, buffer.data(), where.to)) return;
  if (H5Dwrite(dst, memory_type, memory.get(), dst_space.get(), transfer.get(), buffer.data()) < 0) {
    throw_io(where.to + ": cannot write values");
  }
}

/// Copies a whole dataset in blocks of rows along its first dimension (bounded memory).
void copy_dataset_values(hid_t src, hid_t dst, DType dtype, const std::vector<hsize_t>& extent, const Where& where) {
  if (extent.empty()) {
    copy_slab(src, dst, dtype, {}, {}, where);
    return;
  }
  const std::size_t row = element_count(extent) / std::max<hsize_t>(extent[0], 1);
  const hsize_t rows_per_block = std::max<hsize_t>(1, (std::size_t{1} << 20) / std::max<std::size_t>(row, 1));
  std::vector<hsize_t> start(extent.size(), 0);
  std::vector<hsize_t> count = extent;
  for (hsize_t first = 0; first < extent[0]; first += rows_per_block) {
    start[0] = first;
    count[0] = std::min(rows_per_block, extent[0] - first);
    copy_slab(src, dst, dtype, start, count, where);
  }
}

/// Chunk shape of a chunked dataset; empty if it is not chunked.
std::vector<std::size_t> chunk_shape(hid_t dataset) {
  Handle dcpl(H5Dget_create_plist(dataset));
  if (!dcpl.valid() || H5Pget_layout(dcpl.get()) != H5D_CHUNKED) {
    clear_errors();
    return {};
  }
  const int rank = H5Pget_chunk(dcpl.get(), 0, nullptr);
  if (rank <= 0) return {};
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Pget_chunk(dcpl.get(), rank, dims.data());
  return {dims.begin(), dims.end()};
}

/// The definition of a copy of data variable `in`: its type, dimensions and chunk shape;
/// compression and allocation from `options`.
VarSpec copy_spec(const Dataset& in, const std::string& name, DType dtype, const CopyOptions& options) {
  VarSpec spec;
  spec.name = name;
  spec.dtype = dtype;
  spec.dims = dimension_names(in.id(), name);
  spec.chunks = chunk_shape(in.id());
  if (options.chunk_1d > 0 && spec.chunks.size() == 1 && !in.extent.empty()) {
    spec.chunks[0] = std::min<std::size_t>(options.chunk_1d, std::max<hsize_t>(in.extent[0], 1));
  }
  for (std::size_t i = 0; i < spec.chunks.size(); ++i) {
    if (in.extent[i] == 0) spec.chunks.clear();  // define_variable refuses such chunks
  }
  spec.deflate_level = dtype == DType::str ? 0 : options.deflate_level;
  spec.allocate_early = options.allocate_early;
  return spec;
}

/// Defines `name` in `to` like `in` (a dimension, coordinate or data variable of `from`)
/// and copies its values.
void copy_dataset(NcFileImpl& to, const NcFileImpl& from, const std::string& name, const Dataset& in,
                  const CopyOptions& options) {
  const std::string context = from.where(name);
  if (in.placeholder) {
    to.define_dimension(name, static_cast<std::size_t>(in.extent.at(0)));
    return;
  }
  if (!in.dtype) throw InputError(context + ": data type not supported by tiersim");
  const DType dtype = *in.dtype;
  if (in.scale) {
    const std::size_t n = static_cast<std::size_t>(in.extent.at(0));
    to.define_dimension(name, n);
    const hid_t out = to.coordinate_dataset(name, dtype, n, {});
    if (n > 0) copy_dataset_values(in.id(), out, dtype, in.extent, {context, to.where(name)});
    return;
  }
  to.define_variable(copy_spec(in, name, dtype, options));
  copy_dataset_values(in.id(), to.variable(name).id(), dtype, in.extent, {context, to.where(name)});
}

/// Copies the attributes of dataset `in` in their original order; `_FillValue` and the
/// dimension bookkeeping were written when the copy was defined.
void copy_dataset_attrs(NcFileImpl& to, const NcFileImpl& from, const std::string& name, hid_t in) {
  const hid_t out = to.variable_or_dimension(name).id();
  for (const std::string& attr_name : attribute_names_in_creation_order(in)) {
    if (is_reserved_attr(attr_name)) continue;
    const auto data = read_attr_data(in, attr_name);
    if (!data) {
      throw InputError(from.where(name) + ": attribute '" + attr_name + "' has an unsupported type");
    }
    write_attr_data(out, attr_name, *data, to.where(name));
  }
}

void copy_root_attrs(NcFileImpl& to, const NcFileImpl& from, const CopyOptions& options) {
  const auto& skip = options.skip_attributes;
  for (const std::string& attr_name : attribute_names_in_creation_order(from.file.get())) {
    if (attr_name == schema::kTiersimFormat || std::find(skip.begin(), skip.end(), attr_name) != skip.end()) {
      continue;
    }
    const auto data = read_attr_data(from.file.get(), attr_name);
    if (!data) {
      throw InputError(from.where() + ": root attribute '" + attr_name + "' has an unsupported type");
    }
    write_attr_data(to.file.get(), attr_name, *data, to.where());
  }
}

/// Copies the rows `rows` of `in` (a variable of `from` over `dim` first) into `out`.
void copy_variable_rows(hid_t out, const Dataset& in, const std::string& dim, std::span<const std::size_t> rows,
                        const Where& where) {
  std::vector<hsize_t> start(in.extent.size(), 0);
  std::vector<hsize_t> count = in.extent;
  count[0] = 1;
  for (const std::size_t row : rows) {
    if (row >= in.extent[0]) {
      throw InputError(where.from + ": row " + std::to_string(row) + " is outside dimension '" + dim + "' of size " +
                       std::to_string(in.extent[0]));
    }
    start[0] = row;
    copy_slab(in.id(), out, *in.dtype, start, count, where);
  }
}

}  // namespace

void copy_file(NcFileImpl& to, NcFileImpl& from, const CopyOptions& options) {
  to.check_writable();
  from.check_open();
  if (!to.empty()) throw RuntimeFailure(to.where() + ": copy_from needs a new, empty file");
  for (const std::string& name : names_in_creation_order(from.file.get(), from.where())) {
    const Dataset& in = from.variable_or_dimension(name);
    copy_dataset(to, from, name, in, options);
    if (!in.placeholder) copy_dataset_attrs(to, from, name, in.id());
  }
  copy_root_attrs(to, from, options);
  to.materialize_pending();
}

void copy_rows(NcFileImpl& to, NcFileImpl& from, const std::string& dim, std::span<const std::size_t> rows) {
  to.check_writable();
  from.check_open();
  for (const std::string& name : dataset_names(from.file.get(), from.where())) {
    const Dataset& in = from.variable_or_dimension(name);
    if (in.scale || in.extent.empty()) continue;
    const auto dims = dimension_names(in.id(), name);
    if (dims.empty() || dims[0] != dim) continue;
    const std::string context = from.where(name);
    const Dataset* out = to.find_dataset(name);
    if (out == nullptr || out->scale || out->dtype != in.dtype || out->extent != in.extent) {
      throw InputError(to.where(name) + ": does not match " + context + " (different variables or shapes)");
    }
    if (!in.dtype) throw InputError(context + ": data type not supported by tiersim");
    copy_variable_rows(out->id(), in, dim, rows, {context, to.where(name)});
  }
}

}  // namespace tiersim::output::detail
