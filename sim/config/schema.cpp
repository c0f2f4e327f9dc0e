#include "sim/config/schema.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "sim/core/error.hpp"

namespace tiersim::config {
namespace {

std::string shown(const Node& n) {
  if (n.is_scalar()) return n.quoted() ? "the string \"" + n.text() + "\"" : "'" + n.text() + "'";
  return n.kind_name();
}

[[noreturn]] void fail(const Node& n, const std::string& path, const std::string& what) {
  throw InputError(n.origin().describe() + ": key '" + path + "': " + what);
}

const Node& need_plain_scalar(const Node& n, const std::string& path, std::string_view expected) {
  if (!n.is_scalar() || n.quoted()) Decoder::type_error(n, path, expected);
  return n;
}

bool is_nan_or_inf_text(const std::string& t) {
  std::string l;
  for (char c : t) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return l == ".nan" || l == "nan" || l == ".inf" || l == "+.inf" || l == "-.inf" || l == "inf" || l == "-inf" ||
         l == "+inf" || l == "infinity" || l == "-infinity";
}

enum class Parsed { ok, not_a_number, out_of_range };

Parsed parse_double(const std::string& t, double& out) {
  const char* b = t.data();
  const char* e = b + t.size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, out);
  if (p != e) return Parsed::not_a_number;
  if (ec == std::errc::result_out_of_range) return Parsed::out_of_range;
  return ec == std::errc{} ? Parsed::ok : Parsed::not_a_number;
}

template <class Int>
void decode_integer(const Node& n, const std::string& path, Int& out) {
  need_plain_scalar(n, path, "an integer");
  const std::string& t = n.text();
  std::int64_t v = 0;
  const char* b = t.data();
  const char* e = b + t.size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec == std::errc::result_out_of_range) fail(n, path, "integer " + t + " is too large");
  if (ec != std::errc{} || p != e) {
    // Accept exact integers written in floating notation (1e5), a common way to write counts.
    double d = 0;
    if (parse_double(t, d) != Parsed::ok || d != std::floor(d)) {
      Decoder::type_error(n, path, "an integer");
    }
    if (std::fabs(d) > 9.0e15) fail(n, path, "integer " + t + " is too large");
    v = static_cast<std::int64_t>(d);
  }
  if (v < static_cast<std::int64_t>(std::numeric_limits<Int>::min()) ||
      v > static_cast<std::int64_t>(std::numeric_limits<Int>::max())) {
    fail(n, path, "integer " + t + " is out of range for this setting");
  }
  out = static_cast<Int>(v);
}

std::string format_bound(double v) { return encode_value(v); }

}  // namespace

void Decoder::type_error(const Node& n, const std::string& path, std::string_view expected) {
  fail(n, path, "expected " + std::string(expected) + ", got " + shown(n));
}

void decode_value(const Node& n, const std::string& path, bool& out) {
  need_plain_scalar(n, path, "true or false");
  const std::string& t = n.text();
  if (t == "true" || t == "True" || t == "TRUE") {
    out = true;
  } else if (t == "false" || t == "False" || t == "FALSE") {
    out = false;
  } else {
    Decoder::type_error(n, path, "true or false");
  }
}

void decode_value(const Node& n, const std::string& path, int& out) { decode_integer(n, path, out); }
void decode_value(const Node& n, const std::string& path, std::int64_t& out) { decode_integer(n, path, out); }

void decode_value(const Node& n, const std::string& path, double& out) {
  need_plain_scalar(n, path, "a number");
  if (is_nan_or_inf_text(n.text())) fail(n, path, "expected a finite number, got " + n.text());
  double v = 0;
  switch (parse_double(n.text(), v)) {
    case Parsed::ok: break;
    case Parsed::not_a_number: Decoder::type_error(n, path, "a number");
    case Parsed::out_of_range: fail(n, path, "number " + n.text() + " is too large or too small to represent");
  }
  out = v;
}

void decode_value(const Node& n, const std::string& path, std::string& out) {
  if (!n.is_scalar()) Decoder::type_error(n, path, "a string");
  out = n.text();
}

void decode_value(const Node& n, const std::string& path, time::Date& out) {
  if (!n.is_scalar() || !time::parse_date(n.text(), out)) {
    Decoder::type_error(n, path, "a date YYYY-MM-DD");
  }
}

void decode_value(const Node& n, const std::string& path, time::YearMonth& out) {
  if (!n.is_scalar() || !time::parse_year_month(n.text(), out)) {
    Decoder::type_error(n, path, "a month YYYY-MM");
  }
}

void decode_value(const Node& n, const std::string& path, std::vector<double>& out) {
  if (!n.is_seq()) Decoder::type_error(n, path, "a list of numbers");
  out.clear();
  for (std::size_t i = 0; i < n.items().size(); ++i) {
    double v = 0;
    decode_value(n.items()[i], path + "[" + std::to_string(i) + "]", v);
    out.push_back(v);
  }
}

void decode_value(const Node& n, const std::string& path, std::vector<std::string>& out) {
  if (!n.is_seq()) Decoder::type_error(n, path, "a list of strings");
  out.clear();
  for (std::size_t i = 0; i < n.items().size(); ++i) {
    std::string v;
    decode_value(n.items()[i], path + "[" + std::to_string(i) + "]", v);
    out.push_back(v);
  }
}

void check_range(const Node& n, const std::string& path, double v, const FieldInfo& info) {
  const bool below = info.min && (info.min_exclusive ? v <= *info.min : v < *info.min);
  const bool above = info.max && (info.max_exclusive ? v >= *info.max : v > *info.max);
  if (!below && !above) return;
  std::string range;
  if (info.min && info.max) {
    range = std::string(info.min_exclusive ? "(" : "[") + format_bound(*info.min) + ", " + format_bound(*info.max) +
            (info.max_exclusive ? ")" : "]");
  } else if (info.min) {
    range = std::string(info.min_exclusive ? "> " : ">= ") + format_bound(*info.min);
  } else {
    range = std::string(info.max_exclusive ? "< " : "<= ") + format_bound(*info.max);
  }
  fail(n, path,
       "value " + (n.is_scalar() ? n.text() : encode_value(v)) + " is out of range; must be " + range +
           (info.unit.empty() || info.unit == "1" ? "" : " " + std::string(info.unit)));
}

std::string encode_value(bool v) { return v ? "true" : "false"; }
std::string encode_value(int v) { return std::to_string(v); }
std::string encode_value(std::int64_t v) { return std::to_string(v); }
std::string encode_value(double v) {
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  std::string s(buf, p);
  // Keep a marker that this is a floating value so YAML readers do not see an int.
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}
std::string encode_value(const std::string& v) { return v; }
std::string encode_value(const time::Date& v) { return v.to_string(); }
std::string encode_value(const time::YearMonth& v) { return v.to_string(); }

std::string join_path(const std::string& prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
}

Decoder::Decoder(const Node* node, std::string prefix)
    : node_(node != nullptr && node->is_map() ? node : nullptr), prefix_(std::move(prefix)) {}

const Node* Decoder::lookup(std::string_view key) const {
  if (node_ == nullptr) return nullptr;
  for (const auto& e : node_->entries()) {
    if (e.key != key) continue;
    // `key: ~` (or `key:` with nothing after it) is refused rather than read as "the
    // default": a value meant but not given would pass silently. Located at the key (an
    // empty value has no place of its own).
    if (e.value.is_null()) {
      throw InputError(e.key_origin.describe() + ": key '" + join_path(prefix_, key) +
                       "': null is not a value; delete the key to use the default");
    }
    return &e.value;
  }
  return nullptr;
}

std::string Decoder::decode_choice(const Node& n, const std::string& path,
                                   const std::vector<std::string>& names) const {
  if (!n.is_scalar()) type_error(n, path, "one of: " + list_names(names));
  if (std::find(names.begin(), names.end(), n.text()) != names.end()) return n.text();
  const Suggestion suggestion(n.text(), names);
  fail(n, path, "'" + n.text() + "' is not one of: " + suggestion.listed() + suggestion.aside());
}

void Decoder::finish() const {
  if (node_ == nullptr) return;
  for (const auto& e : node_->entries()) {
    if (std::find(known_.begin(), known_.end(), e.key) != known_.end()) continue;
    throw InputError(e.key_origin.describe() + ": unknown key '" + join_path(prefix_, e.key) + "'" +
                     Suggestion(e.key, known_).hint("valid keys here", prefix_));
  }
}

void Documenter::add(std::string_view key, std::string type, ValueKind kind, std::string def, const FieldInfo& info) {
  ParamRow row;
  row.path = join_path(prefix_, key);
  row.type = std::move(type);
  row.kind = kind;
  row.default_value = std::move(def);
  row.unit = std::string(info.unit);
  if (info.min || info.max) {
    row.range = std::string(info.min ? (info.min_exclusive ? "(" : "[") : "(") +
                (info.min ? encode_value(*info.min) : "-inf") + ", " + (info.max ? encode_value(*info.max) : "inf") +
                std::string(info.max ? (info.max_exclusive ? ")" : "]") : ")");
  }
  row.source = std::string(info.source);
  row.doc = std::string(info.doc);
  rows_.push_back(std::move(row));
}

const ParamRow* find_row(const std::vector<ParamRow>& rows, std::string_view path) {
  const auto by_path = [&rows](std::string_view p) -> const ParamRow* {
    const auto it = std::find_if(rows.begin(), rows.end(), [p](const ParamRow& r) { return r.path == p; });
    return it == rows.end() ? nullptr : &*it;
  };
  if (const ParamRow* row = by_path(path)) return row;
  const std::size_t dot = path.rfind('.');
  if (dot == std::string_view::npos) return nullptr;
  const ParamRow* table = by_path(std::string(path.substr(0, dot)) + ".<name>");
  return table != nullptr && table->type == "table" ? table : nullptr;
}

std::string params_markdown(const std::vector<ParamRow>& rows) {
  std::ostringstream os;
  os << "| parameter | type | default | unit | range | source | meaning |\n";
  os << "|---|---|---|---|---|---|---|\n";
  auto cell = [](const std::string& s) {
    std::string out;
    for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
  };
  for (const auto& r : rows) {
    os << "| `" << r.path << "` | " << cell(r.type) << " | " << cell(r.default_value) << " | " << cell(r.unit) << " | "
       << cell(r.range) << " | " << cell(r.source) << " | " << cell(r.doc) << " |\n";
  }
  return os.str();
}

}  // namespace tiersim::config
