#pragma once
// The state behind one NcFile: the open HDF5 file, its paths and mode, dimensions not yet
// in the file and a cache of open datasets. Every member function expects the caller to
// hold an Hdf5Lock. Definitions and lifecycle are in nc_file_impl.cpp, reading and writing
// values in nc_values.cpp.
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/output/detail/hdf5.hpp"
#include "sim/output/nc_file.hpp"

namespace tiersim::output::detail {

enum class Mode { create, in_place, update, read };

/// Opens an existing tiersim file (root attribute `tiersim_format`), with InputError for
/// anything the user gave wrongly: missing, a directory, not HDF5, locked by a writer, or
/// not a tiersim file.
Handle open_existing(const std::filesystem::path& path, bool writable);

/// Creates the HDF5 file of `impl` at its disk path with `flags` (H5F_ACC_TRUNC or
/// H5F_ACC_EXCL) and marks it a tiersim file. `impl` exists first so that a failure removes
/// a `.partial`.
void create_file(NcFileImpl& impl, unsigned flags);

class NcFileImpl {
 public:
  /// An open dataset with what every access checks, so that writes do not re-query HDF5.
  struct Dataset {
    Handle handle;
    bool scale = false;        // a dimension: coordinate variable or placeholder
    bool placeholder = false;  // a netCDF dimension without coordinate variable
    std::optional<DType> dtype;
    std::vector<hsize_t> extent;
    hid_t id() const { return handle.get(); }
  };

  /// Not yet open: set `file` next. `disk_path` is `<final_path>.partial` while a created
  /// file is being written, else `final_path`.
  NcFileImpl(std::filesystem::path final, std::filesystem::path disk, Mode open_mode, bool replace)
      : final_path(std::move(final)), disk_path(std::move(disk)), mode(open_mode), overwrite(replace) {}
  NcFileImpl(const NcFileImpl&) = delete;
  NcFileImpl& operator=(const NcFileImpl&) = delete;
  ~NcFileImpl() { abandon(); }

  const std::filesystem::path final_path;
  const std::filesystem::path disk_path;
  const Mode mode;
  const bool overwrite;
  Handle file;

  std::string where() const { return quoted(final_path); }
  std::string where(const std::string& var) const { return where() + ": variable '" + var + "'"; }
  void check_open() const;
  void check_writable() const;

  // --- datasets (nc_file_impl.cpp) ----------------------------------------------------
  /// A dataset of the root group, or nullptr if there is none of that name.
  Dataset* find_dataset(const std::string& name);
  /// A data or coordinate variable; InputError if there is none of that name.
  Dataset& variable(const std::string& name);
  /// Any dataset (data variable, coordinate or placeholder dimension) by name.
  Dataset& variable_or_dimension(const std::string& name);
  DType variable_dtype(const Dataset& dataset, const std::string& name) const;
  std::optional<std::size_t> dimension_size(const std::string& name);
  /// Every dimension, also those not yet in the file, by name.
  std::map<std::string, std::size_t> dimensions();
  /// No dimension and no dataset yet.
  bool empty() const;

  // --- definitions (nc_file_impl.cpp) -------------------------------------------------
  void define_dimension(const std::string& name, std::size_t size);
  /// Puts the dimensions defined so far into the file (as placeholders).
  void materialize_pending();
  /// The coordinate variable of `dim` for `n` values of `dtype`, created if needed, with
  /// `attrs` checked (and written by the caller once the values are).
  hid_t coordinate_dataset(const std::string& dim, DType dtype, std::size_t n, const std::vector<Attr>& attrs);
  void define_variable(const VarSpec& spec);

  // --- values (nc_values.cpp) ---------------------------------------------------------
  void write_coordinate(const std::string& dim, const ValueSpan& values, const std::vector<Attr>& attrs);
  void write(const std::string& var, std::span<const std::size_t> start, std::span<const std::size_t> count,
             const ValueSpan& data);
  void write_batch(std::span<const SlabWrite> writes);
  void read(const std::string& var, std::span<const std::size_t> start, std::span<const std::size_t> count,
            NumberVector& values);
  std::vector<std::string> read_strings(const std::string& var);
  Slab select(const Dataset& dataset, const std::string& var, std::span<const std::size_t> start,
              std::span<const std::size_t> count);
  /// The dataset of `var`, checked writable, of the type of `data` and with as many values
  /// as the hyperslab (start, count), which it selects into `slab`.
  const Dataset& checked_slab(const std::string& var, std::span<const std::size_t> start,
                              std::span<const std::size_t> count, const ValueSpan& data, Slab& slab);

  // --- lifecycle (nc_file_impl.cpp) ---------------------------------------------------
  void flush();
  /// See NcFile::commit and NcFile::close.
  void commit();
  void close();
  /// Closes without committing; a created file's `.partial` is removed.
  void abandon() noexcept;

 private:
  bool exists(const std::string& name) const;
  /// Caches a dataset that was just opened or created (and, for a dimension, made a scale).
  Dataset& remember(const std::string& name, Handle handle);
  void materialize_dimension(const std::string& name, std::size_t size);
  /// Prepares the coordinate dataset of `dim`: returns it if it exists with `dtype`, or -1
  /// after removing a placeholder that nothing refers to yet.
  hid_t existing_coordinate(const std::string& dim, DType dtype);
  /// True if `spec` names a variable already defined exactly so (resume).
  bool defined_identically(const VarSpec& spec, const std::string& context);
  std::vector<hsize_t> variable_extent(const VarSpec& spec, const std::string& context);
  /// Makes the flushed file durable (fsync).
  void sync();

  bool committed_ = false;
  bool keep_partial_ = false;
  std::map<std::string, std::size_t> pending_dims_;  // defined, no dataset in the file yet
  std::map<std::string, Dataset> datasets_;
};

}  // namespace tiersim::output::detail
