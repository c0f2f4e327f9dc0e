// Reading and writing the values of variables: hyperslab selections and the one typed path
// that every element type goes through.
#include <type_traits>

#include "sim/core/error.hpp"
#include "sim/output/detail/chunk_writer.hpp"
#include "sim/output/detail/nc_file_impl.hpp"
#include "sim/output/detail/netcdf_conventions.hpp"

namespace tiersim::output::detail {
namespace {

template <class Span>
using element_of = std::remove_cv_t<typename Span::element_type>;

DType dtype_of_values(const ValueSpan& values) {
  return std::visit([](auto span) { return dtype_for<element_of<decltype(span)>>(); }, values);
}

std::size_t size_of_values(const ValueSpan& values) {
  return std::visit([](auto span) { return span.size(); }, values);
}

/// Values as HDF5 takes them from memory: a buffer and its memory type. Text becomes
/// NUL-terminated pointers (InputError naming `context` for an embedded NUL).
class MemoryValues {
 public:
  MemoryValues(const ValueSpan& values, const std::string& context)
      : dtype_(dtype_of_values(values)), size_(size_of_values(values)) {
    if (const auto* text = std::get_if<std::span<const std::string>>(&values)) {
      pointers_ = string_pointers(*text, context);
      string_type_ = vlen_string_type();
      data_ = pointers_.data();
    } else {
      data_ = std::visit([](auto span) { return static_cast<const void*>(span.data()); }, values);
    }
  }

  DType dtype() const { return dtype_; }
  std::size_t size() const { return size_; }
  hid_t type() const { return dtype_ == DType::str ? string_type_.get() : numeric_memory_type(dtype_); }
  const void* data() const { return data_; }

 private:
  DType dtype_;
  std::size_t size_;
  std::vector<const char*> pointers_;
  Handle string_type_;
  const void* data_ = nullptr;
};

template <Number T>
void read_into(NcFileImpl& f, const std::string& var, std::span<const std::size_t> start,
               std::span<const std::size_t> count, std::vector<T>& out) {
  f.check_open();
  const NcFileImpl::Dataset& dataset = f.variable(var);
  const DType stored = f.variable_dtype(dataset, var);
  constexpr DType want = dtype_for<T>();
  // Integers widen losslessly, so i64 reads accept every integer type.
  const bool ok = stored == want || (want == DType::i64 && is_integer(stored));
  if (!ok) {
    throw InputError(f.where(var) + ": has type " + dtype_name(stored) + ", cannot read as " + dtype_name(want));
  }
  const Slab slab = f.select(dataset, var, start, count);
  out.resize(slab.size);
  const Handle transfer = conversion_transfer_plist(slab.size);  // integers widen: a conversion
  if (slab.size > 0 && H5Dread(dataset.id(), numeric_memory_type(want), slab.memory_space.get(), slab.file_space.get(),
                               transfer.get(), out.data()) < 0) {
    throw_io(f.where(var) + ": read failed");
  }
}

}  // namespace

Slab NcFileImpl::select(const Dataset& dataset, const std::string& var, std::span<const std::size_t> start,
                        std::span<const std::size_t> count) {
  const auto& extent = dataset.extent;
  const std::string context = where(var);
  if (start.size() != extent.size() || count.size() != extent.size()) {
    throw InputError(context + ": has " + std::to_string(extent.size()) + " dimensions, got start/count with " +
                     std::to_string(start.size()) + "/" + std::to_string(count.size()) + " entries");
  }
  Slab slab;
  slab.size = 1;
  for (std::size_t i = 0; i < extent.size(); ++i) {
    if (start[i] > extent[i] || count[i] > extent[i] - start[i]) {
      const auto dims = dimension_names(dataset.id(), var);
      throw InputError(context + ": hyperslab start " + std::to_string(start[i]) + " count " +
                       std::to_string(count[i]) + " exceeds dimension '" + dims[i] + "' of size " +
                       std::to_string(extent[i]));
    }
    slab.size *= count[i];
  }
  slab.file_space = Handle(H5Dget_space(dataset.id()));
  if (extent.empty()) {
    slab.memory_space = Handle(H5Screate(H5S_SCALAR));
  } else if (slab.size > 0) {
    const std::vector<hsize_t> h_start(start.begin(), start.end());
    const std::vector<hsize_t> h_count(count.begin(), count.end());
    if (H5Sselect_hyperslab(slab.file_space.get(), H5S_SELECT_SET, h_start.data(), nullptr, h_count.data(), nullptr) <
        0) {
      throw_io(context + ": cannot select hyperslab");
    }
    slab.memory_space = Handle(H5Screate_simple(static_cast<int>(h_count.size()), h_count.data(), nullptr));
  }
  if (!slab.file_space.valid() || (slab.size > 0 && !slab.memory_space.valid())) {
    throw_io(context + ": cannot create dataspaces");
  }
  return slab;
}

void NcFileImpl::write_coordinate(const std::string& dim, const ValueSpan& data, const std::vector<Attr>& attrs) {
  const MemoryValues values(data, where(dim));  // validate before creating
  const hid_t dataset = coordinate_dataset(dim, values.dtype(), values.size(), attrs);
  const Handle transfer = conversion_transfer_plist(values.size());  // strings convert
  if (values.size() > 0 && H5Dwrite(dataset, values.type(), k_all, k_all, transfer.get(), values.data()) < 0) {
    throw_io(where(dim) + ": cannot write coordinate");
  }
  write_attrs(dataset, attrs, where(dim));
}

const NcFileImpl::Dataset& NcFileImpl::checked_slab(const std::string& var, std::span<const std::size_t> start,
                                                    std::span<const std::size_t> count, const ValueSpan& data,
                                                    Slab& slab) {
  check_writable();
  const Dataset& dataset = variable(var);
  const DType stored = variable_dtype(dataset, var);
  const DType given = dtype_of_values(data);
  if (stored != given) {
    throw InputError(where(var) + ": has type " + dtype_name(stored) + ", cannot write " + dtype_name(given) +
                     " values");
  }
  slab = select(dataset, var, start, count);
  if (size_of_values(data) != slab.size) {
    throw InputError(where(var) + ": got " + std::to_string(size_of_values(data)) + " values for a hyperslab of " +
                     std::to_string(slab.size));
  }
  return dataset;
}

void NcFileImpl::write(const std::string& var, std::span<const std::size_t> start, std::span<const std::size_t> count,
                       const ValueSpan& data) {
  Slab slab;
  const Dataset& dataset = checked_slab(var, start, count, data, slab);
  if (slab.size == 0) return;
  const MemoryValues values(data, where(var));
  if (write_whole_chunks(dataset.id(), values.type(), std::vector<hsize_t>(start.begin(), start.end()),
                         std::vector<hsize_t>(count.begin(), count.end()), values.data(), where(var))) {
    return;
  }
  const Handle transfer = conversion_transfer_plist(values.size());  // strings convert
  if (H5Dwrite(dataset.id(), values.type(), slab.memory_space.get(), slab.file_space.get(), transfer.get(),
               values.data()) < 0) {
    throw_io(where(var) + ": write failed");
  }
}

void NcFileImpl::write_batch(std::span<const SlabWrite> writes) {
  // Plan every slab, compress the covered ones together, then store or write them all in
  // the order given (a later write into the same chunk must land after an earlier one).
  struct Step {
    const SlabWrite* write;
    const Dataset* dataset;
    Slab slab;
    std::size_t chunked;  ///< index into `chunked`, or kNone: written by HDF5
  };
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  const hid_t type = numeric_memory_type(DType::f64);
  std::vector<Step> steps;
  std::vector<ChunkedWrite> chunked;
  for (const SlabWrite& w : writes) {
    Step step{&w, nullptr, {}, kNone};
    step.dataset = &checked_slab(w.var, w.start, w.count, w.data, step.slab);
    if (step.slab.size == 0) continue;
    std::optional<ChunkedWrite> plan =
        plan_chunked_write(step.dataset->id(), type, std::vector<hsize_t>(w.start.begin(), w.start.end()),
                           std::vector<hsize_t>(w.count.begin(), w.count.end()), w.data.data(), where(w.var));
    if (plan) {
      step.chunked = chunked.size();
      chunked.push_back(std::move(*plan));
    }
    steps.push_back(std::move(step));
  }
  compress_chunks(chunked);
  for (const Step& step : steps) {
    if (step.chunked != kNone) check_compressed(chunked[step.chunked], where(step.write->var));
  }
  for (const Step& step : steps) {
    if (step.chunked != kNone) {
      store_chunks(chunked[step.chunked], where(step.write->var));
    } else if (H5Dwrite(step.dataset->id(), type, step.slab.memory_space.get(), step.slab.file_space.get(), k_default,
                        step.write->data.data()) < 0) {
      throw_io(where(step.write->var) + ": write failed");
    }
  }
}

void NcFileImpl::read(const std::string& var, std::span<const std::size_t> start, std::span<const std::size_t> count,
                      NumberVector& values) {
  std::visit([&](auto& out) { read_into(*this, var, start, count, out); }, values);
}

std::vector<std::string> NcFileImpl::read_strings(const std::string& var) {
  check_open();
  const Dataset& dataset = variable(var);
  const DType stored = variable_dtype(dataset, var);
  if (stored != DType::str || dataset.extent.size() != 1) {
    throw InputError(where(var) + ": is not a 1-d str variable");
  }
  const std::size_t n = static_cast<std::size_t>(dataset.extent[0]);
  if (n == 0) return {};
  Handle space(H5Dget_space(dataset.id()));
  return detail::read_strings(dataset.id(), space.get(), space.get(), n, where(var) + ": read failed");
}

}  // namespace tiersim::output::detail
