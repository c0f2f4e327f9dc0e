#include "sim/output/detail/nc_file_impl.hpp"

#include <algorithm>
#include <system_error>

#include "sim/core/error.hpp"
#include "sim/output/detail/atomic_file.hpp"
#include "sim/output/detail/netcdf_conventions.hpp"
#include "sim/output/result_schema.hpp"

namespace tiersim::output::detail {
namespace {

namespace fs = std::filesystem;

/// InputError unless the chunk shape, compression and allocation of `spec` are possible
/// over `extent`.
void check_storage(const VarSpec& spec, const std::vector<hsize_t>& extent, const std::string& context) {
  if (!spec.chunks.empty() && spec.chunks.size() != spec.dims.size()) {
    throw InputError(context + ": chunks has " + std::to_string(spec.chunks.size()) + " entries for " +
                     std::to_string(spec.dims.size()) + " dimensions");
  }
  for (std::size_t i = 0; i < spec.chunks.size(); ++i) {
    if (spec.chunks[i] == 0 || (extent[i] > 0 && spec.chunks[i] > extent[i])) {
      throw InputError(context + ": chunk size " + std::to_string(spec.chunks[i]) + " along '" + spec.dims[i] +
                       "' must be between 1 and the extent " + std::to_string(extent[i]));
    }
  }
  if (spec.deflate_level < 0 || spec.deflate_level > 9) {
    throw InputError(context + ": deflate_level must be between 0 and 9, not " + std::to_string(spec.deflate_level));
  }
  if (spec.allocate_early && spec.deflate_level > 0 && spec.dtype != DType::str) {
    // A compressed chunk changes size, and so the file's metadata, whenever it is rewritten.
    throw InputError(context + ": allocate_early needs deflate_level 0");
  }
}

}  // namespace

Handle open_existing(const fs::path& path, bool writable) {
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
  const auto format = read_attr_value(file.get(), schema::kTiersimFormat);
  if (!format) {
    throw InputError(quoted(path) + ": not a tiersim output file (no root attribute '" + schema::kTiersimFormat + "')");
  }
  const auto* text = std::get_if<std::string>(&*format);
  if (text == nullptr || *text != schema::kTiersimFormatValue) {
    throw InputError(quoted(path) + ": unsupported " + schema::kTiersimFormat + " '" +
                     (text != nullptr ? *text : std::string("?")) + "' (expected '" + schema::kTiersimFormatValue +
                     "')");
  }
  return file;
}

void create_file(NcFileImpl& impl, unsigned flags) {
  Handle fcpl = make_file_create_plist();
  Handle fapl = make_file_access_plist();
  impl.file = Handle(H5Fcreate(impl.disk_path.c_str(), flags, fcpl.get(), fapl.get()));
  if (!impl.file.valid()) throw_io("cannot create " + quoted(impl.disk_path));
  write_attr(impl.file.get(), schema::kTiersimFormat, AttrValue{std::string(schema::kTiersimFormatValue)},
             impl.where());
}

void NcFileImpl::check_open() const {
  if (!file.valid()) {
    throw RuntimeFailure(where() + ": file already committed or closed");
  }
}

void NcFileImpl::check_writable() const {
  check_open();
  if (mode == Mode::read) throw RuntimeFailure(where() + ": file is open read-only");
}

// ---------------------------------------------------------------------------------------
// Datasets

bool NcFileImpl::exists(const std::string& name) const {
  if (name.empty() || name == "." || name.find('/') != std::string::npos) return false;
  const htri_t r = H5Lexists(file.get(), name.c_str(), k_default);
  clear_errors();
  return r > 0;
}

NcFileImpl::Dataset& NcFileImpl::remember(const std::string& name, Handle handle) {
  Dataset info;
  info.scale = is_scale(handle.get());
  info.placeholder = info.scale && is_placeholder_dim(handle.get());
  info.dtype = dtype_of(handle.get());
  info.extent = extent_of(handle.get());
  info.handle = std::move(handle);
  return datasets_.insert_or_assign(name, std::move(info)).first->second;
}

NcFileImpl::Dataset* NcFileImpl::find_dataset(const std::string& name) {
  if (auto it = datasets_.find(name); it != datasets_.end()) return &it->second;
  if (!exists(name)) return nullptr;
  Handle object(H5Oopen(file.get(), name.c_str(), k_default));
  if (!object.valid()) {
    const std::string detail = hdf5_detail();
    throw InputError(where() + ": variable '" + name + "' cannot be read: the file is damaged" + detail);
  }
  if (H5Iget_type(object.get()) != H5I_DATASET) {
    clear_errors();
    return nullptr;
  }
  return &remember(name, std::move(object));
}

NcFileImpl::Dataset& NcFileImpl::variable(const std::string& name) {
  Dataset* dataset = find_dataset(name);
  if (dataset == nullptr || dataset->placeholder) {
    throw InputError(where() + ": no variable '" + name + "'");
  }
  return *dataset;
}

NcFileImpl::Dataset& NcFileImpl::variable_or_dimension(const std::string& name) {
  Dataset* dataset = find_dataset(name);
  if (dataset == nullptr) throw InputError(where() + ": no variable '" + name + "'");
  return *dataset;
}

DType NcFileImpl::variable_dtype(const Dataset& dataset, const std::string& name) const {
  if (!dataset.dtype) throw InputError(where(name) + ": data type not supported by tiersim");
  return *dataset.dtype;
}

std::optional<std::size_t> NcFileImpl::dimension_size(const std::string& name) {
  if (auto it = pending_dims_.find(name); it != pending_dims_.end()) return it->second;
  const Dataset* dataset = find_dataset(name);
  if (dataset == nullptr || !dataset->scale || dataset->extent.size() != 1) return std::nullopt;
  return static_cast<std::size_t>(dataset->extent[0]);
}

std::map<std::string, std::size_t> NcFileImpl::dimensions() {
  std::map<std::string, std::size_t> dims(pending_dims_);
  for (const std::string& name : dataset_names(file.get(), where())) {
    if (const auto size = dimension_size(name)) dims.emplace(name, *size);
  }
  return dims;
}

bool NcFileImpl::empty() const { return pending_dims_.empty() && dataset_names(file.get(), where()).empty(); }

// ---------------------------------------------------------------------------------------
// Definitions

void NcFileImpl::define_dimension(const std::string& name, std::size_t size) {
  check_writable();
  check_name(name, "dimension", final_path);
  if (const auto existing = dimension_size(name)) {
    if (*existing != size) {
      throw InputError(where() + ": dimension '" + name + "' already defined with size " + std::to_string(*existing) +
                       ", not " + std::to_string(size));
    }
    return;  // re-defining identically is harmless (e.g. when resuming)
  }
  if (find_dataset(name) != nullptr) {
    throw InputError(where() + ": dimension name '" + name + "' is already a variable");
  }
  pending_dims_.emplace(name, size);
}

void NcFileImpl::materialize_dimension(const std::string& name, std::size_t size) {
  remember(name, create_placeholder_dimension(file.get(), name, size, where()));
  pending_dims_.erase(name);
}

void NcFileImpl::materialize_pending() {
  while (!pending_dims_.empty()) {
    const auto [name, size] = *pending_dims_.begin();
    materialize_dimension(name, size);
  }
}

hid_t NcFileImpl::existing_coordinate(const std::string& dim, DType dtype) {
  const Dataset* dataset = find_dataset(dim);
  if (dataset == nullptr) return -1;
  if (dataset->placeholder) {
    // The placeholder cannot change type in place; replacing it is only possible while no
    // variable has it attached.
    if (has_attached_variables(dataset->id())) {
      throw InputError(where() + ": coordinate of dimension '" + dim +
                       "' must be written before variables are defined over it");
    }
    const std::size_t size = static_cast<std::size_t>(dataset->extent.at(0));
    datasets_.erase(dim);
    if (H5Ldelete(file.get(), dim.c_str(), k_default) < 0) {
      throw_io(where() + ": cannot replace dimension '" + dim + "'");
    }
    pending_dims_.emplace(dim, size);
    return -1;
  }
  if (dataset->dtype != dtype) {
    throw InputError(where() + ": coordinate '" + dim + "' already written as " +
                     (dataset->dtype ? dtype_name(*dataset->dtype) : "?") + ", not " + dtype_name(dtype));
  }
  return dataset->id();
}

hid_t NcFileImpl::coordinate_dataset(const std::string& dim, DType dtype, std::size_t n,
                                     const std::vector<Attr>& attrs) {
  check_writable();
  check_name(dim, "dimension", final_path);
  check_attr_names(attrs, where(dim));
  const auto size = dimension_size(dim);
  if (!size) throw InputError(where() + ": dimension '" + dim + "' is not defined");
  if (*size != n) {
    throw InputError(where(dim) + ": coordinate has " + std::to_string(n) + " values, dimension has size " +
                     std::to_string(*size));
  }
  if (const hid_t existing = existing_coordinate(dim, dtype); existing >= 0) return existing;
  const hid_t dataset = remember(dim, create_coordinate_variable(file.get(), dim, dtype, n, where(dim))).id();
  pending_dims_.erase(dim);
  return dataset;
}

bool NcFileImpl::defined_identically(const VarSpec& spec, const std::string& context) {
  const Dataset* existing = find_dataset(spec.name);
  if (existing == nullptr) {
    if (pending_dims_.contains(spec.name)) {
      throw InputError(context + ": name is already used by a dimension");
    }
    return false;
  }
  if (!existing->scale && existing->dtype == spec.dtype && dimension_names(existing->id(), spec.name) == spec.dims) {
    return true;
  }
  throw InputError(context + ": already defined with a different type or dimensions");
}

std::vector<hsize_t> NcFileImpl::variable_extent(const VarSpec& spec, const std::string& context) {
  std::vector<hsize_t> extent;
  for (const std::string& dim : spec.dims) {
    const auto size = dimension_size(dim);
    if (!size) throw InputError(context + ": dimension '" + dim + "' is not defined");
    if (std::count(spec.dims.begin(), spec.dims.end(), dim) > 1) {
      throw InputError(context + ": dimension '" + dim + "' is used twice");
    }
    extent.push_back(*size);
  }
  return extent;
}

void NcFileImpl::define_variable(const VarSpec& spec) {
  check_writable();
  check_name(spec.name, "variable", final_path);
  const std::string context = where(spec.name);
  check_attr_names(spec.attrs, context);
  for (const IntegerArrayAttr& attr : spec.integer_arrays) {
    check_attr_names({{attr.name, AttrValue{std::int64_t{0}}}}, context);
    if (!is_integer(attr.dtype))
      throw InputError(context + ": attribute '" + attr.name + "' must be of an integer type");
  }
  if (defined_identically(spec, context)) return;
  const std::vector<hsize_t> extent = variable_extent(spec, context);
  check_storage(spec, extent, context);

  std::vector<hid_t> scales;
  for (const std::string& dim : spec.dims) {
    if (auto it = pending_dims_.find(dim); it != pending_dims_.end()) {
      materialize_dimension(dim, it->second);
    }
    const Dataset* scale = find_dataset(dim);
    if (scale == nullptr) throw_io(context + ": cannot attach dimension '" + dim + "'");
    scales.push_back(scale->id());
  }
  const hid_t dataset = remember(spec.name, create_data_variable(file.get(), spec, extent, scales, context)).id();
  write_attrs(dataset, spec.attrs, context);
  for (const IntegerArrayAttr& attr : spec.integer_arrays) write_integer_array_attr(dataset, attr, context);
}

// ---------------------------------------------------------------------------------------
// Lifecycle

void NcFileImpl::flush() {
  check_open();
  if (mode == Mode::read) return;
  materialize_pending();
  if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) throw_io(where() + ": flush failed");
}

void NcFileImpl::sync() {
  if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) throw_io(where() + ": flush failed");
  sync_file(file.get(), where());
}

void NcFileImpl::close() {
  check_open();
  if (mode == Mode::create) {
    abandon();
    return;
  }
  if (mode != Mode::read) {
    materialize_pending();
    datasets_.clear();
    sync();
  }
  datasets_.clear();
  if (H5Fclose(file.release()) < 0) throw_io(where() + ": closing the file failed");
}

void NcFileImpl::commit() {
  check_writable();
  materialize_pending();
  write_attr(file.get(), schema::kComplete, AttrValue{std::int64_t{1}}, where());
  datasets_.clear();
  sync();
  if (H5Fclose(file.release()) < 0) throw_io(where() + ": closing the file failed");
  if (mode != Mode::create) {
    committed_ = true;
    return;
  }
  std::error_code ec;
  if (!overwrite && fs::exists(final_path, ec)) {
    keep_partial_ = true;
    throw InputError(where() + ": appeared while the results were being written; they are in " + quoted(disk_path));
  }
  rename_durably(disk_path, final_path);
  committed_ = true;
}

void NcFileImpl::abandon() noexcept {
  datasets_.clear();
  file.reset();
  if (mode == Mode::create && !committed_ && !keep_partial_) {
    std::error_code ec;
    fs::remove(disk_path, ec);
  }
}

}  // namespace tiersim::output::detail
