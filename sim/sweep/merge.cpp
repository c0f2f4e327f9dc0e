#include "sim/sweep/merge.hpp"

#include <array>
#include <map>
#include <string>

#include "sim/core/error.hpp"
#include "sim/output/nc_file.hpp"
#include "sim/output/result_file.hpp"
#include "sim/sweep/runner.hpp"

namespace tiersim::sweep {
namespace {

namespace fs = std::filesystem;
using output::NcFile;
using output::RunStatus;

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

std::string text_attr(const NcFile& f, const fs::path& path, const std::string& name, const std::string& why) {
  const auto v = f.attribute(name);
  const auto* s = v ? std::get_if<std::string>(&*v) : nullptr;
  if (s == nullptr) throw InputError(quoted(path) + ": no '" + name + "' attribute (" + why + ")");
  return *s;
}

}  // namespace

MergeResult merge_shards(const fs::path& out, const std::vector<fs::path>& shards, bool overwrite) {
  if (shards.empty()) throw InputError("merge: name the shard files to merge");
  std::vector<NcFile> files;
  std::vector<Shard> parts;
  std::string hash;
  std::size_t runs = 0;
  std::map<std::size_t, fs::path> seen;  // shard index -> file
  for (const auto& path : shards) {
    NcFile f = NcFile::open_read(path);
    const std::string h = text_attr(f, path, "sweep_hash", "not a sweep result");
    const std::string shard_text = text_attr(f, path, "shard", "not a shard file: it was not written with --shard");
    const Shard shard = parse_shard(shard_text);
    if (!f.attribute("complete")) {
      throw InputError(quoted(path) + ": shard " + shard_text +
                       " is not finished; complete it with `tiersim sweep ... --shard " + shard_text + " --resume`");
    }
    const std::size_t n = f.dimension_size("run").value_or(0);
    if (files.empty()) {
      hash = h;
      runs = n;
    } else {
      if (h != hash) {
        throw InputError(quoted(path) + ": belongs to a different sweep than " + quoted(shards.front()) +
                         " (sweep_hash differs)");
      }
      if (shard.count != parts.front().count) {
        throw InputError(quoted(path) + ": is shard " + shard_text + ", but " + quoted(shards.front()) +
                         " is one of " + std::to_string(parts.front().count) + " shards");
      }
    }
    if (const auto it = seen.find(shard.index); it != seen.end()) {
      throw InputError(quoted(path) + ": shard " + shard_text + " is given twice (also " + quoted(it->second) + ")");
    }
    seen.emplace(shard.index, path);
    // Every run of the shard finished (done or failed), none of the others touched.
    const auto status = f.read_i8("run_status", std::array<std::size_t, 1>{0}, std::array<std::size_t, 1>{n});
    for (std::size_t r = 0; r < n; ++r) {
      const bool pending = status[r] == static_cast<std::int8_t>(RunStatus::pending);
      if (shard.owns(r) && pending) {
        throw InputError(quoted(path) + ": run " + std::to_string(r) + " of shard " + shard_text + " never ran");
      }
      if (!shard.owns(r) && !pending) {
        throw InputError(quoted(path) + ": holds run " + std::to_string(r) + ", which belongs to shard " +
                         std::to_string(r % shard.count) + "/" + std::to_string(shard.count));
      }
    }
    files.push_back(std::move(f));
    parts.push_back(shard);
  }
  const std::size_t count = parts.front().count;
  if (seen.size() != count) {
    std::string missing;
    for (std::size_t i = 0; i < count; ++i) {
      if (!seen.contains(i)) missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(count);
    }
    throw InputError("merge: shards " + missing + " are missing; every run must be covered exactly once");
  }

  NcFile merged = NcFile::create(out, overwrite);
  output::CopyOptions options;
  options.skip_attributes = {"shard", "complete"};
  options.chunk_1d = 65536;
  merged.copy_from(files.front(), options);
  for (std::size_t k = 1; k < files.size(); ++k) {
    std::vector<std::size_t> rows;
    for (std::size_t r = parts[k].index; r < runs; r += count) rows.push_back(r);
    merged.copy_rows_from(files[k], "run", rows);
  }
  MergeResult result;
  result.runs = runs;
  const auto status = merged.read_i8("run_status", std::array<std::size_t, 1>{0}, std::array<std::size_t, 1>{runs});
  for (const auto s : status) {
    result.done += s == static_cast<std::int8_t>(RunStatus::done);
    result.failed += s == static_cast<std::int8_t>(RunStatus::failed);
  }
  merged.commit();
  return result;
}

}  // namespace tiersim::sweep
