#pragma once
// Copying between files: sweep compaction, shard merge, re-opening a finished sweep
// (NcFile::copy_from, NcFile::copy_rows_from).
#include <cstddef>
#include <span>
#include <string>

#include "sim/output/detail/nc_file_impl.hpp"

namespace tiersim::output::detail {

/// See NcFile::copy_from. `to` and `from` are different open files.
void copy_file(NcFileImpl& to, NcFileImpl& from, const CopyOptions& options);

/// See NcFile::copy_rows_from.
void copy_rows(NcFileImpl& to, NcFileImpl& from, const std::string& dim, std::span<const std::size_t> rows);

}  // namespace tiersim::output::detail
