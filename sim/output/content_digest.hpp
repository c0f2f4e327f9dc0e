#pragma once
// `tiersim digest`: a fingerprint of what a result file says, not of how it is stored.
#include <filesystem>
#include <string>

namespace tiersim::output {

/// SHA-256 (hex) over the scientific content of a file: every variable's name, dimension
/// names, shape, dtype and values, in name order, plus the variables' attributes. Root
/// attributes (provenance: host, time, thread count) are excluded, so two runs that computed
/// the same numbers have the same digest whatever machine or thread count produced them.
/// Storage (chunks, compression, allocation) is excluded too: compacting an in-progress
/// sweep file keeps its digest. InputError if `path` is not a tiersim file.
/// A variable that cannot be read (a damaged header or chunk) is an InputError naming it.
std::string content_digest(const std::filesystem::path& path);

/// Read every variable of `path` (values and attributes), as content_digest does: InputError
/// naming the first one that cannot be read. What `tiersim merge` checks of each shard
/// before it writes anything.
void check_readable(const std::filesystem::path& path);

}  // namespace tiersim::output
