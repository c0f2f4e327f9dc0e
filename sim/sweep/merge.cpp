#include "sim/sweep/merge.hpp"

#include <map>
#include <optional>
#include <string>

#include "sim/core/error.hpp"
#include "sim/engine/inputs.hpp"
#include "sim/output/content_digest.hpp"
#include "sim/output/nc_file.hpp"
#include "sim/output/result_reader.hpp"
#include "sim/sweep/file_lock.hpp"
#include "sim/sweep/runner.hpp"

namespace tiersim::sweep {
namespace {

namespace fs = std::filesystem;
using output::ResultReader;
using output::RunStatus;
namespace schema = output::schema;

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

/// A finished shard file of a sweep.
struct ShardFile {
  fs::path path;
  ResultReader reader;
  std::string hash;  ///< sweep_hash
  std::string text;  ///< "i/N"
  Shard shard;
  std::size_t runs = 0;
};

std::string required(const std::optional<std::string>& value, const fs::path& path, const char* name,
                     const std::string& why) {
  if (!value) throw InputError(quoted(path) + ": no '" + name + "' attribute (" + why + ")");
  return *value;
}

ShardFile open_shard(const fs::path& path) {
  ResultReader reader = ResultReader::open(path);
  std::string hash = required(reader.sweep_hash(), path, schema::kSweepHash, "not a sweep result");
  std::string text =
      required(reader.shard(), path, schema::kShard, "not a shard file: it was not written with --shard");
  const Shard shard = parse_shard(text);
  if (!reader.is_complete()) {
    throw InputError(quoted(path) + ": shard " + text +
                     " is not finished; complete it with `tiersim sweep ... --shard " + text + " --resume`");
  }
  const std::size_t runs = reader.runs();
  return ShardFile{path, std::move(reader), std::move(hash), std::move(text), shard, runs};
}

void check_same_sweep(const ShardFile& first, const ShardFile& s) {
  if (s.hash != first.hash) {
    const std::string changed = engine::InputManifest::parse(s.reader.input_files())
                                    .difference_from(engine::InputManifest::parse(first.reader.input_files()),
                                                     quoted(first.path) + " was written");
    if (!changed.empty()) {
      throw InputError(quoted(s.path) + ": belongs to a different sweep than " + quoted(first.path) + ": " + changed +
                       "; run every shard on the same inputs");
    }
    throw InputError(quoted(s.path) + ": belongs to a different sweep than " + quoted(first.path) +
                     " (sweep_hash differs)");
  }
  if (s.shard.count != first.shard.count) {
    throw InputError(quoted(s.path) + ": is shard " + s.text + ", but " + quoted(first.path) + " is one of " +
                     std::to_string(first.shard.count) + " shards");
  }
}

/// Every run of the shard finished (done or failed), none of the others touched.
void check_shard_runs(const ShardFile& s) {
  const auto status = s.reader.statuses();
  for (std::size_t r = 0; r < s.runs; ++r) {
    const bool pending = status[r] == RunStatus::pending;
    if (s.shard.owns(r) && pending) {
      throw InputError(quoted(s.path) + ": run " + std::to_string(r) + " of shard " + s.text + " never ran");
    }
    if (!s.shard.owns(r) && !pending) {
      throw InputError(quoted(s.path) + ": holds run " + std::to_string(r) + ", which belongs to shard " +
                       std::to_string(r % s.shard.count) + "/" + std::to_string(s.shard.count));
    }
  }
}

void check_coverage(const std::map<std::size_t, fs::path>& seen, std::size_t count) {
  if (seen.size() == count) return;
  std::string missing;
  for (std::size_t i = 0; i < count; ++i) {
    if (!seen.contains(i)) missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(count);
  }
  throw InputError("merge: shards " + missing + " are missing; every run must be covered exactly once");
}

/// The file one process would have written: the first shard whole, then each other
/// shard's own rows.
MergeResult write_merged(const fs::path& out, const std::vector<ShardFile>& files, bool overwrite) {
  const std::size_t runs = files.front().runs;
  const std::size_t count = files.front().shard.count;
  output::NcFile merged = output::NcFile::create(out, overwrite);
  output::CopyOptions options;
  options.skip_attributes = {schema::kShard, schema::kComplete};
  options.chunk_1d = output::kDefaultChunk1d;
  merged.copy_from(files.front().reader.file(), options);
  for (std::size_t k = 1; k < files.size(); ++k) {
    std::vector<std::size_t> rows;
    for (std::size_t r = files[k].shard.index; r < runs; r += count) rows.push_back(r);
    merged.copy_rows_from(files[k].reader.file(), schema::kRun, rows);
  }
  MergeResult result;
  result.runs = runs;
  for (const RunStatus s : output::read_statuses(merged, runs)) {
    result.done += s == RunStatus::done;
    result.failed += s == RunStatus::failed;
  }
  merged.commit();
  return result;
}

}  // namespace

MergeResult merge_shards(const fs::path& out, const std::vector<fs::path>& shards, bool overwrite) {
  if (shards.empty()) throw InputError("merge: name the shard files to merge");
  engine::check_output_is_not_an_input(out, shards);
  output::check_output_path(out);
  // The lock protocol of every writer (sweeps, runs): two merges into one OUT would delete
  // each other's `.partial`.
  const FileLock lock = FileLock::acquire(lock_path(out), out);
  std::vector<ShardFile> files;
  std::map<std::size_t, fs::path> seen;  // shard index -> file
  for (const auto& path : shards) {
    ShardFile s = open_shard(path);
    if (!files.empty()) check_same_sweep(files.front(), s);
    if (const auto it = seen.find(s.shard.index); it != seen.end()) {
      throw InputError(quoted(path) + ": shard " + s.text + " is given twice (also " + quoted(it->second) + ")");
    }
    seen.emplace(s.shard.index, path);
    check_shard_runs(s);
    files.push_back(std::move(s));
  }
  check_coverage(seen, files.front().shard.count);
  // Every value of every shard is read before anything is written: a damaged shard is
  // refused, never merged in part.
  for (const ShardFile& s : files) output::check_readable(s.path);
  return write_merged(out, files, overwrite);
}

}  // namespace tiersim::sweep
