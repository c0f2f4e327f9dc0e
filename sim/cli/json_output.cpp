// `tiersim params MODEL --json` and `tiersim info FILE --json`: the same facts as the text
// output, as one JSON object on stdout for scripts (docs/cli.md).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <variant>

#include "sim/cli/app.hpp"
#include "sim/cli/commands.hpp"
#include "sim/output/result_reader.hpp"

namespace tiersim::cli {
namespace {

/// Writes one JSON value; objects and arrays are opened and closed in order, and commas and
/// quoting are its business.
class JsonWriter {
 public:
  JsonWriter& key(std::string_view k) {
    separate();
    string(k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  JsonWriter& value(std::string_view s) {
    separate();
    string(s);
    return *this;
  }
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(std::int64_t v) {
    separate();
    out_ += std::to_string(v);
    return *this;
  }
  JsonWriter& value(std::size_t v) { return value(static_cast<std::int64_t>(v)); }
  JsonWriter& value(double v) {
    separate();
    if (!std::isfinite(v)) {
      out_ += "null";  // JSON has no NaN or infinity
      return *this;
    }
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, ec == std::errc{} ? end : buf);
    return *this;
  }
  JsonWriter& value(bool v) {
    separate();
    out_ += v ? "true" : "false";
    return *this;
  }
  JsonWriter& null() {
    separate();
    out_ += "null";
    return *this;
  }
  JsonWriter& open(char bracket) {
    separate();
    out_ += bracket;
    first_.push_back(true);
    return *this;
  }
  JsonWriter& close(char bracket) {
    out_ += bracket;
    first_.pop_back();
    return *this;
  }
  const std::string& text() const { return out_; }

 private:
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_.empty() && !first_.back()) out_ += ',';
    if (!first_.empty()) first_.back() = false;
  }
  void string(std::string_view s) {
    out_ += '"';
    for (const char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out_ += '\\';
        out_ += c;
      } else if (u < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", u);
        out_ += buf;
      } else {
        out_ += c;  // UTF-8 passes as it is (configs and attributes are UTF-8)
      }
    }
    out_ += '"';
  }

  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

void attr_value(JsonWriter& j, const std::optional<output::AttrValue>& v) {
  if (!v) {
    j.null();
    return;
  }
  std::visit([&j](const auto& x) { j.value(x); }, *v);
}

std::string_view kind_text(config::ValueKind kind) {
  switch (kind) {
    case config::ValueKind::boolean: return "boolean";
    case config::ValueKind::integer: return "integer";
    case config::ValueKind::number: return "number";
    case config::ValueKind::text: return "text";
    case config::ValueKind::date: return "date";
    case config::ValueKind::month: return "month";
    case config::ValueKind::number_list: return "number_list";
    case config::ValueKind::text_list: return "text_list";
    case config::ValueKind::choice: return "choice";
    case config::ValueKind::section: return "section";
    case config::ValueKind::list: return "list";
  }
  return "?";
}

void print(const JsonWriter& j) { std::printf("%s\n", j.text().c_str()); }

void info_provenance(JsonWriter& j, const output::ResultReader& f) {
  namespace schema = output::schema;
  j.key("provenance").open('{');
  for (const char* key :
       {schema::kFormatVersion, schema::kModel, schema::kTiersimVersion, schema::kGitSha, schema::kCreated,
        schema::kHost, schema::kThreads, schema::kProcesses, schema::kSeed, schema::kCommand}) {
    attr_value(j.key(key), f.attribute(key));
  }
  j.close('}');
}

void info_design(JsonWriter& j, const output::ResultReader& f) {
  namespace schema = output::schema;
  j.key("design");
  if (!f.attribute(schema::kDesignKind)) {
    j.null();
    return;
  }
  j.open('{');
  attr_value(j.key("kind"), f.attribute(schema::kDesignKind));
  j.key("parameters").open('[');
  for (const auto& n : f.file().attribute_strings(schema::kDesignParameters).value_or(std::vector<std::string>{})) {
    j.value(n);
  }
  j.close(']');
  attr_value(j.key("samples"), f.attribute(schema::kDesignSamples));
  attr_value(j.key("sweep_hash"), f.attribute(schema::kSweepHash));
  attr_value(j.key("shard"), f.attribute(schema::kShard));
  attr_value(j.key("sweep_yaml"), f.attribute(schema::kSweepYaml));
  j.close('}');
}

void info_runs(JsonWriter& j, const output::ResultReader& f) {
  j.key("runs");
  if (!f.has_statuses()) {
    j.null();
    return;
  }
  const auto status = f.statuses();
  const auto count = [&](output::RunStatus s) {
    return static_cast<std::size_t>(std::count(status.begin(), status.end(), s));
  };
  j.open('{').key("total").value(f.runs());
  j.key("done").value(count(output::RunStatus::done)).key("failed").value(count(output::RunStatus::failed));
  j.key("pending").value(count(output::RunStatus::pending));
  j.key("errors").open('[');
  if (f.has_errors()) {
    const auto errors = f.errors();
    for (std::size_t r = 0; r < status.size(); ++r) {
      if (status[r] == output::RunStatus::failed)
        j.open('{').key("run").value(r).key("message").value(errors[r]).close('}');
    }
  }
  j.close(']').close('}');
}

void info_variables(JsonWriter& j, const output::NcFile& f) {
  j.key("dimensions").open('{');
  for (const auto& [name, size] : f.dimensions()) j.key(name).value(size);
  j.close('}');
  j.key("variables").open('[');
  for (const auto& v : f.variable_names()) {
    j.open('{').key("name").value(v).key("dimensions").open('[');
    for (const auto& d : f.dimensions_of(v)) j.value(d);
    j.close(']');
    attr_value(j.key("units"), f.variable_attribute(v, "units"));
    j.close('}');
  }
  j.close(']');
}

}  // namespace

int cmd_params_json(const std::string& model, const engine::ModelCatalog& catalog) {
  const auto& t = catalog.get(model);
  JsonWriter j;
  j.open('{').key("model").value(t.name).key("summary").value(t.summary).key("parameters").open('[');
  for (const auto& r : t.document()) {
    j.open('{').key("path").value(r.path).key("type").value(r.type).key("kind").value(kind_text(r.kind));
    j.key("default").value(r.default_value).key("unit").value(r.unit).key("range").value(r.range);
    j.key("source").value(r.source).key("doc").value(r.doc).close('}');
  }
  j.close(']').close('}');
  print(j);
  return kExitOk;
}

int cmd_info_json(const std::string& path, bool show_config) {
  const auto f = output::ResultReader::inspect(path);
  JsonWriter j;
  j.open('{').key("file").value(path).key("complete").value(f.is_complete());
  info_provenance(j, f);
  info_design(j, f);
  info_runs(j, f);
  info_variables(j, f.file());
  if (show_config) attr_value(j.key("config"), f.attribute(output::schema::kConfigYaml));
  j.close('}');
  print(j);
  return kExitOk;
}

}  // namespace tiersim::cli
