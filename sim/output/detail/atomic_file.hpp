#pragma once
// How a new result file appears whole or not at all: it is written under `<path>.partial`,
// made durable (fsync), renamed over `<path>`, and the directory is synced so that the
// rename survives a crash too (docs/output-format.md, "Crash safety").
#include <filesystem>
#include <string>

#include "sim/output/detail/hdf5.hpp"

namespace tiersim::output::detail {

/// `<path>.partial`: where a new file is written until it is committed.
std::filesystem::path partial_path(const std::filesystem::path& path);

/// The checks every new output file passes before HDF5 is called: a file name, an
/// existing parent directory, and no existing file unless `overwrite`. InputError otherwise.
void check_new_output(const std::filesystem::path& path, bool overwrite);

/// fsync of a flushed HDF5 file, so that a rename never publishes a file whose data are
/// still only in the page cache. `where` names the file in errors.
void sync_file(hid_t file, const std::string& where);

/// Renames `from` to `to` (RuntimeFailure naming both if that fails), then makes the
/// rename durable.
void rename_durably(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace tiersim::output::detail
