// The NcFile facade: every public method takes the HDF5 lock and hands over to
// detail::NcFileImpl (nc_file_impl.cpp, nc_values.cpp) or the copy functions (nc_copy.cpp).
#include "sim/output/nc_file.hpp"

#include <map>

#include "sim/core/error.hpp"
#include "sim/output/detail/atomic_file.hpp"
#include "sim/output/detail/hdf5.hpp"
#include "sim/output/detail/nc_copy.hpp"
#include "sim/output/detail/nc_file_impl.hpp"
#include "sim/output/detail/netcdf_conventions.hpp"
#include "sim/output/result_schema.hpp"

namespace tiersim::output {

namespace fs = std::filesystem;
using detail::Hdf5Lock;
using detail::Mode;
using detail::NcFileImpl;

NcFile::NcFile(std::unique_ptr<NcFileImpl> impl) : impl_(std::move(impl)) {}

NcFile::NcFile(NcFile&&) noexcept = default;

NcFile& NcFile::operator=(NcFile&& other) noexcept {
  if (this != &other) {
    const Hdf5Lock lock;
    std::unique_ptr<NcFileImpl> old = std::exchange(impl_, std::move(other.impl_));
    old.reset();
  }
  return *this;
}

NcFile::~NcFile() {
  if (!impl_) return;
  const Hdf5Lock lock;
  impl_.reset();
}

NcFileImpl& NcFile::impl() const {
  if (!impl_) throw RuntimeFailure("NcFile: use of a moved-from object");
  return *impl_;
}

// ---------------------------------------------------------------------------------------
// Opening

NcFile NcFile::create(const fs::path& path, bool overwrite) {
  const Hdf5Lock lock;
  detail::init_hdf5();
  detail::check_new_output(path, overwrite);
  auto impl = std::make_unique<NcFileImpl>(path, detail::partial_path(path), Mode::create, overwrite);
  // A leftover `.partial` is from a run that died: truncating it is what we want.
  detail::create_file(*impl, H5F_ACC_TRUNC);
  return NcFile(std::move(impl));
}

NcFile NcFile::create_in_place(const fs::path& path, bool overwrite) {
  const Hdf5Lock lock;
  detail::init_hdf5();
  detail::check_new_output(path, overwrite);
  auto impl = std::make_unique<NcFileImpl>(path, path, Mode::in_place, overwrite);
  // EXCL also catches a file that appeared since the check above (another process).
  detail::create_file(*impl, overwrite ? H5F_ACC_TRUNC : H5F_ACC_EXCL);
  return NcFile(std::move(impl));
}

NcFile NcFile::open_update(const fs::path& path) {
  const Hdf5Lock lock;
  detail::init_hdf5();
  auto impl = std::make_unique<NcFileImpl>(path, path, Mode::update, false);
  impl->file = detail::open_existing(path, true);
  return NcFile(std::move(impl));
}

NcFile NcFile::open_read(const fs::path& path) {
  const Hdf5Lock lock;
  detail::init_hdf5();
  auto impl = std::make_unique<NcFileImpl>(path, path, Mode::read, false);
  impl->file = detail::open_existing(path, false);
  return NcFile(std::move(impl));
}

// ---------------------------------------------------------------------------------------
// Definitions and values

void NcFile::define_dimension(const std::string& name, std::size_t size) {
  const Hdf5Lock lock;
  impl().define_dimension(name, size);
}

void NcFile::write_coordinate_values(const std::string& dim, const detail::ValueSpan& values,
                                     const std::vector<Attr>& attrs) {
  const Hdf5Lock lock;
  impl().write_coordinate(dim, values, attrs);
}

void NcFile::define_variable(const VarSpec& spec) {
  const Hdf5Lock lock;
  impl().define_variable(spec);
}

void NcFile::write_values(const std::string& var, std::span<const std::size_t> start,
                          std::span<const std::size_t> count, const detail::ValueSpan& data) {
  const Hdf5Lock lock;
  impl().write(var, start, count, data);
}

void NcFile::write_batch(std::span<const SlabWrite> writes) {
  const Hdf5Lock lock;
  impl().write_batch(writes);
}

void NcFile::read_values(const std::string& var, std::span<const std::size_t> start, std::span<const std::size_t> count,
                         detail::NumberVector& values) const {
  const Hdf5Lock lock;
  impl().read(var, start, count, values);
}

std::vector<std::string> NcFile::read_str(const std::string& var) const {
  const Hdf5Lock lock;
  return impl().read_strings(var);
}

// ---------------------------------------------------------------------------------------
// Inspection

bool NcFile::has_variable(const std::string& name) const {
  const Hdf5Lock lock;
  NcFileImpl& f = impl();
  f.check_open();
  const auto* dataset = f.find_dataset(name);
  return dataset != nullptr && !dataset->placeholder;
}

std::vector<std::string> NcFile::variable_names() const {
  const Hdf5Lock lock;
  NcFileImpl& f = impl();
  f.check_open();
  std::vector<std::string> names;
  for (std::string& name : detail::dataset_names(f.file.get(), f.where())) {
    const auto* dataset = f.find_dataset(name);
    if (dataset != nullptr && !dataset->placeholder) names.push_back(std::move(name));
  }
  return names;
}

std::vector<std::string> NcFile::dimensions_of(const std::string& var) const {
  const Hdf5Lock lock;
  NcFileImpl& f = impl();
  f.check_open();
  return detail::dimension_names(f.variable(var).id(), var);
}

std::vector<std::size_t> NcFile::shape_of(const std::string& var) const {
  const Hdf5Lock lock;
  NcFileImpl& f = impl();
  f.check_open();
  const auto& extent = f.variable(var).extent;
  return {extent.begin(), extent.end()};
}

std::optional<std::size_t> NcFile::dimension_size(const std::string& dim) const {
  const Hdf5Lock lock;
  NcFileImpl& f = impl();
  f.check_open();
  return f.dimension_size(dim);
}

std::vector<std::pair<std::string, std::size_t>> NcFile::dimensions() const {
  const Hdf5Lock lock;
  NcFileImpl& f = impl();
  f.check_open();
  const auto dims = f.dimensions();
  return {dims.begin(), dims.end()};
}

// ---------------------------------------------------------------------------------------
// Attributes

void NcFile::set_attribute(const std::string& name, const AttrValue& value) {
  const Hdf5Lock lock;
  NcFileImpl& f = impl();
  f.check_writable();
  if (name.empty()) throw InputError(f.where() + ": attribute name must not be empty");
  if (name == schema::kTiersimFormat) {
    throw InputError(f.where() + ": attribute '" + name + "' is managed by NcFile");
  }
  detail::write_attr(f.file.get(), name, value, f.where());
}

void NcFile::set_attribute(const std::string& name, std::span<const std::string> values) {
  const Hdf5Lock lock;
  NcFileImpl& f = impl();
  f.check_writable();
  if (name.empty() || name == schema::kTiersimFormat) {
    throw InputError(f.where() + ": attribute name '" + name + "' is empty or reserved");
  }
  detail::write_string_array_attr(f.file.get(), name, values, f.where());
}

std::optional<std::vector<std::string>> NcFile::attribute_strings(const std::string& name) const {
  const Hdf5Lock lock;
  NcFileImpl& f = impl();
  f.check_open();
  const auto data = detail::find_attr(f.file.get(), name);
  if (!data || data->kind != detail::AttrData::Kind::text) return std::nullopt;
  return data->text;
}

std::optional<AttrValue> NcFile::attribute(const std::string& name) const {
  const Hdf5Lock lock;
  NcFileImpl& f = impl();
  f.check_open();
  return detail::read_attr_value(f.file.get(), name);
}

std::optional<AttrValue> NcFile::variable_attribute(const std::string& var, const std::string& name) const {
  const Hdf5Lock lock;
  NcFileImpl& f = impl();
  f.check_open();
  return detail::read_attr_value(f.variable(var).id(), name);
}

// ---------------------------------------------------------------------------------------
// Lifecycle and copies

void NcFile::flush() {
  const Hdf5Lock lock;
  impl().flush();
}

void NcFile::commit() {
  const Hdf5Lock lock;
  impl().commit();
}

void NcFile::close() {
  const Hdf5Lock lock;
  impl().close();
}

void NcFile::copy_from(const NcFile& src, const CopyOptions& options) {
  const Hdf5Lock lock;
  NcFileImpl& from = src.impl();
  NcFileImpl& to = impl();
  if (&from == &to) throw RuntimeFailure(to.where() + ": cannot copy a file into itself");
  detail::copy_file(to, from, options);
}

void NcFile::copy_rows_from(const NcFile& src, const std::string& dim, std::span<const std::size_t> rows) {
  const Hdf5Lock lock;
  NcFileImpl& from = src.impl();
  NcFileImpl& to = impl();
  if (&from == &to) throw RuntimeFailure(to.where() + ": cannot copy a file into itself");
  detail::copy_rows(to, from, dim, rows);
}

const fs::path& NcFile::path() const { return impl().final_path; }

}  // namespace tiersim::output
