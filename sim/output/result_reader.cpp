#include "sim/output/result_reader.hpp"

#include <array>
#include <charconv>

#include "sim/core/error.hpp"

namespace tiersim::output {

std::vector<RunStatus> read_statuses(const NcFile& file, std::size_t runs) {
  const auto codes =
      file.read<std::int8_t>(schema::kRunStatus, std::array<std::size_t, 1>{0}, std::array<std::size_t, 1>{runs});
  std::vector<RunStatus> out;
  out.reserve(codes.size());
  for (const auto code : codes) {
    out.push_back(code == static_cast<std::int8_t>(RunStatus::done)     ? RunStatus::done
                  : code == static_cast<std::int8_t>(RunStatus::failed) ? RunStatus::failed
                                                                        : RunStatus::pending);
  }
  return out;
}

ResultReader ResultReader::open(const std::filesystem::path& path) {
  ResultReader reader = inspect(path);
  const auto version = reader.text(schema::kFormatVersion);
  int major = -1;
  if (version) std::from_chars(version->data(), version->data() + version->size(), major);
  if (major != kFormatMajor) {
    throw InputError("'" + path.string() + "': " + schema::kFormatVersion + " " + version.value_or("(missing)") +
                     " is not supported by this tiersim (format " + format_version() + ")");
  }
  return reader;
}

ResultReader ResultReader::inspect(const std::filesystem::path& path) {
  ResultReader reader(NcFile::open_read(path));
  // Every object opens, with a readable type and shape (NcFile refuses one that does not):
  // a file with a damaged variable is refused here rather than read in part.
  try {
    for (const std::string& name : reader.file_.variable_names()) (void)reader.file_.shape_of(name);
  } catch (const RuntimeFailure& e) {
    throw InputError(std::string(e.what()) + " (the file is damaged)");
  }
  return reader;
}

std::optional<AttrValue> ResultReader::attribute(const std::string& name) const { return file_.attribute(name); }

std::optional<std::string> ResultReader::text(const std::string& name) const {
  const auto value = file_.attribute(name);
  const auto* text = value ? std::get_if<std::string>(&*value) : nullptr;
  if (text == nullptr) return std::nullopt;
  return *text;
}

bool ResultReader::is_complete() const { return file_.attribute(schema::kComplete).has_value(); }

std::optional<std::string> ResultReader::sweep_hash() const { return text(schema::kSweepHash); }

std::vector<std::string> ResultReader::input_files() const {
  return file_.attribute_strings(schema::kInputFiles).value_or(std::vector<std::string>{});
}

std::optional<std::string> ResultReader::shard() const { return text(schema::kShard); }

std::size_t ResultReader::runs() const { return file_.dimension_size(schema::kRun).value_or(0); }

bool ResultReader::has_statuses() const { return file_.has_variable(schema::kRunStatus); }

std::vector<RunStatus> ResultReader::statuses() const { return read_statuses(file_, runs()); }

bool ResultReader::has_errors() const { return file_.has_variable(schema::kRunError); }

std::vector<std::string> ResultReader::errors() const { return file_.read_str(schema::kRunError); }

}  // namespace tiersim::output
