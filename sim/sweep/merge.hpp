#pragma once
// `tiersim merge OUT SHARD...`: join the files of a sweep run as `--shard i/N` jobs into the
// file one process would have written (same content digest).
#include <cstddef>
#include <filesystem>
#include <vector>

namespace tiersim::sweep {

struct MergeResult {
  std::size_t runs = 0;
  std::size_t done = 0;
  std::size_t failed = 0;
};

/// InputError unless the shards are complete shard files of one sweep (equal `sweep_hash`)
/// that together cover every run exactly once (each of 0/N .. N-1/N given once).
MergeResult merge_shards(const std::filesystem::path& out, const std::vector<std::filesystem::path>& shards,
                         bool overwrite);

}  // namespace tiersim::sweep
