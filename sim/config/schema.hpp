#pragma once
// Typed configuration with one parsing boundary.
//
// A configuration struct lists its fields once, in a `visit` member template:
//
//   struct BassParams {
//     double p = 0.03;   // 1/year
//     template <class V> void visit(V& v) {
//       v.field("p", p, {.unit = "1/year", .doc = "innovation coefficient",
//                        .source = "Sultan, Farley & Lehmann 1990", .min = 0.0});
//     }
//   };
//
// and the same list drives decoding from a config::Node (with file:line:column errors and
// nearest-key suggestions), emitting the resolved config as YAML, and the parameter
// reference table in the docs. Supported field types: bool, int, std::int64_t, double,
// std::string, time::Date, time::YearMonth, std::vector<double>, std::vector<std::string>,
// enums through `choice`, nested structs through `section`, and string-keyed maps of
// structs or scalars through `table`.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/config/field_info.hpp"
#include "sim/config/node.hpp"
#include "sim/config/suggest.hpp"
#include "sim/time/calendar.hpp"

namespace tiersim::config {

// ---- scalar conversions (defined in schema.cpp) -------------------------------------------

/// Decode one value; throws InputError naming `where` and `key_path` on type/range errors.
void decode_value(const Node& n, const std::string& key_path, bool& out);
void decode_value(const Node& n, const std::string& key_path, int& out);
void decode_value(const Node& n, const std::string& key_path, std::int64_t& out);
void decode_value(const Node& n, const std::string& key_path, double& out);
void decode_value(const Node& n, const std::string& key_path, std::string& out);
void decode_value(const Node& n, const std::string& key_path, time::Date& out);
void decode_value(const Node& n, const std::string& key_path, time::YearMonth& out);
void decode_value(const Node& n, const std::string& key_path, std::vector<double>& out);
void decode_value(const Node& n, const std::string& key_path, std::vector<std::string>& out);

/// Check a numeric value against the bounds in `info`.
void check_range(const Node& n, const std::string& key_path, double value, const FieldInfo& info);

std::string encode_value(bool v);
std::string encode_value(int v);
std::string encode_value(std::int64_t v);
std::string encode_value(double v);  ///< shortest text that round-trips exactly
std::string encode_value(const std::string& v);
std::string encode_value(const time::Date& v);
std::string encode_value(const time::YearMonth& v);

/// Human name of a field type for messages and docs.
template <class T>
constexpr std::string_view type_name();
template <>
constexpr std::string_view type_name<bool>() {
  return "bool";
}
template <>
constexpr std::string_view type_name<int>() {
  return "integer";
}
template <>
constexpr std::string_view type_name<std::int64_t>() {
  return "integer";
}
template <>
constexpr std::string_view type_name<double>() {
  return "number";
}
template <>
constexpr std::string_view type_name<std::string>() {
  return "string";
}
template <>
constexpr std::string_view type_name<time::Date>() {
  return "date (YYYY-MM-DD)";
}
template <>
constexpr std::string_view type_name<time::YearMonth>() {
  return "month (YYYY-MM)";
}
template <>
constexpr std::string_view type_name<std::vector<double>>() {
  return "list of numbers";
}
template <>
constexpr std::string_view type_name<std::vector<std::string>>() {
  return "list of strings";
}

/// What a setting holds, from its declared C++ type: what a sweep may sample, and whether a
/// sampled value is rounded to an integer.
enum class ValueKind {
  boolean,      ///< bool
  integer,      ///< int, std::int64_t
  number,       ///< double
  text,         ///< std::string
  date,         ///< time::Date
  month,        ///< time::YearMonth
  number_list,  ///< std::vector<double>
  text_list,    ///< std::vector<std::string>
  choice,       ///< an enum, one of named options (`choice`)
  section,      ///< a struct with fields of its own (an entry of a `table` of structs)
  list,         ///< a list of structs (`list`)
};
template <class T>
constexpr ValueKind value_kind();
template <>
constexpr ValueKind value_kind<bool>() {
  return ValueKind::boolean;
}
template <>
constexpr ValueKind value_kind<int>() {
  return ValueKind::integer;
}
template <>
constexpr ValueKind value_kind<std::int64_t>() {
  return ValueKind::integer;
}
template <>
constexpr ValueKind value_kind<double>() {
  return ValueKind::number;
}
template <>
constexpr ValueKind value_kind<std::string>() {
  return ValueKind::text;
}
template <>
constexpr ValueKind value_kind<time::Date>() {
  return ValueKind::date;
}
template <>
constexpr ValueKind value_kind<time::YearMonth>() {
  return ValueKind::month;
}
template <>
constexpr ValueKind value_kind<std::vector<double>>() {
  return ValueKind::number_list;
}
template <>
constexpr ValueKind value_kind<std::vector<std::string>>() {
  return ValueKind::text_list;
}

std::string join_path(const std::string& prefix, std::string_view key);

// ---- Decoder --------------------------------------------------------------------------------

/// Reads a map node into a struct. Keys absent from the node keep their defaults.
class Decoder {
 public:
  /// `node` may be null/absent (all defaults). `where` describes the enclosing map for
  /// errors when the node is absent.
  Decoder(const Node* node, std::string prefix);

  template <class T>
  void field(std::string_view key, T& value, const FieldInfo& info = {}) {
    known_.emplace_back(key);
    const Node* n = lookup(key);
    if (n == nullptr) return;
    const std::string path = join_path(prefix_, key);
    decode_value(*n, path, value);
    if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
      check_range(*n, path, static_cast<double>(value), info);
    } else if constexpr (std::is_same_v<T, std::vector<double>>) {
      for (std::size_t i = 0; i < value.size(); ++i) check_range(n->items()[i], path, value[i], info);
    }
  }

  template <class E>
  void choice(std::string_view key, E& value, std::initializer_list<std::pair<std::string_view, E>> options,
              const FieldInfo& info = {}) {
    (void)info;
    known_.emplace_back(key);
    const Node* n = lookup(key);
    if (n == nullptr) return;
    std::vector<std::string> names;
    for (const auto& [name, v] : options) names.emplace_back(name);
    const std::string text = decode_choice(*n, join_path(prefix_, key), names);
    for (const auto& [name, v] : options) {
      if (name == text) value = v;
    }
  }

  template <class S>
  void section(std::string_view key, S& sub, std::string_view doc = {}) {
    (void)doc;
    known_.emplace_back(key);
    const Node* n = lookup(key);
    if (n != nullptr && !n->is_map()) type_error(*n, join_path(prefix_, key), "a mapping");
    Decoder d(n, join_path(prefix_, key));
    sub.visit(d);
    d.finish();
  }

  /// A map from free-form names (e.g. ISO3 codes) to structs or scalars.
  template <class T>
  void table(std::string_view key, std::map<std::string, T>& out, std::string_view doc = {},
             const FieldInfo& info = {}) {
    (void)doc;
    known_.emplace_back(key);
    const Node* n = lookup(key);
    if (n == nullptr) return;
    const std::string path = join_path(prefix_, key);
    if (!n->is_map()) type_error(*n, path, "a mapping");
    out.clear();
    for (const auto& e : n->entries()) {
      T item{};
      const std::string item_path = join_path(path, e.key);
      if constexpr (requires(T & t, Decoder & dd) { t.visit(dd); }) {
        if (!e.value.is_map()) type_error(e.value, item_path, "a mapping");
        Decoder d(&e.value, item_path);
        item.visit(d);
        d.finish();
      } else {
        decode_value(e.value, item_path, item);
        if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
          check_range(e.value, item_path, static_cast<double>(item), info);
        }
      }
      out.emplace(e.key, std::move(item));
    }
  }

  /// A list of structs (e.g. record specs).
  template <class T>
  void list(std::string_view key, std::vector<T>& out, std::string_view doc = {}) {
    (void)doc;
    known_.emplace_back(key);
    const Node* n = lookup(key);
    if (n == nullptr) return;
    const std::string path = join_path(prefix_, key);
    if (!n->is_seq()) type_error(*n, path, "a list");
    out.clear();
    for (std::size_t i = 0; i < n->items().size(); ++i) {
      const Node& item = n->items()[i];
      const std::string item_path = path + "[" + std::to_string(i) + "]";
      if (!item.is_map()) type_error(item, item_path, "a mapping");
      T value{};
      Decoder d(&item, item_path);
      value.visit(d);
      d.finish();
      out.push_back(std::move(value));
    }
  }

  /// A subtree decoded elsewhere (e.g. a model's parameters): stored as a Node.
  void raw(std::string_view key, Node& out, std::string_view doc = {}) {
    (void)doc;
    known_.emplace_back(key);
    const Node* n = lookup(key);
    if (n == nullptr) return;
    if (!n->is_map()) type_error(*n, join_path(prefix_, key), "a mapping");
    out = *n;
  }

  /// Reject keys that no field claimed, suggesting the nearest valid one.
  void finish() const;

  [[noreturn]] static void type_error(const Node& n, const std::string& path, std::string_view expected);

 private:
  const Node* lookup(std::string_view key) const;
  std::string decode_choice(const Node& n, const std::string& path, const std::vector<std::string>& names) const;

  const Node* node_;
  std::string prefix_;
  std::vector<std::string> known_;
};

/// Decode a whole struct from a root map node (unknown keys are errors).
template <class S>
void decode(const Node& root, S& out, const std::string& prefix = "") {
  if (!root.is_map() && !root.is_null())
    Decoder::type_error(root, prefix.empty() ? "(top level)" : prefix, "a mapping");
  Decoder d(&root, prefix);
  out.visit(d);
  d.finish();
}

// ---- Encoder: struct -> Node (the resolved config) -------------------------------------------

class Encoder {
 public:
  explicit Encoder(Node& out) : out_(out) { out_ = Node::map({}); }

  template <class T>
  void field(std::string_view key, const T& value, const FieldInfo& = {}) {
    out_.set(std::string(key), encode(value), {});
  }
  template <class E>
  void choice(std::string_view key, const E& value, std::initializer_list<std::pair<std::string_view, E>> options,
              const FieldInfo& = {}) {
    for (const auto& [name, v] : options) {
      if (v == value) out_.set(std::string(key), Node::scalar(std::string(name), {}), {});
    }
  }
  template <class S>
  void section(std::string_view key, const S& sub, std::string_view = {}) {
    out_.set(std::string(key), encode_struct(sub), {});
  }
  template <class T>
  void table(std::string_view key, const std::map<std::string, T>& items, std::string_view = {},
             const FieldInfo& = {}) {
    Node m = Node::map({});
    for (const auto& [name, item] : items) {
      if constexpr (requires(T & t, Encoder & ee) { t.visit(ee); }) {
        m.set(name, encode_struct(item), {});
      } else {
        m.set(name, encode(item), {});
      }
    }
    out_.set(std::string(key), std::move(m), {});
  }
  template <class T>
  void list(std::string_view key, const std::vector<T>& items, std::string_view = {}) {
    Node seq = Node::seq({});
    for (const auto& item : items) seq.push_back(encode_struct(item));
    out_.set(std::string(key), std::move(seq), {});
  }
  void raw(std::string_view key, const Node& node, std::string_view = {}) {
    out_.set(std::string(key), node.is_null() ? Node::map({}) : node, {});
  }

 private:
  // visit() is non-const (the decoder writes through it), so encode from a copy.
  template <class S>
  static Node encode_struct(const S& s) {
    S copy = s;
    Node n;
    Encoder e(n);
    copy.visit(e);
    return n;
  }
  template <class T>
  static Node encode(const T& v) {
    if constexpr (std::is_same_v<T, std::vector<double>> || std::is_same_v<T, std::vector<std::string>>) {
      Node s = Node::seq({});
      for (const auto& x : v)
        s.push_back(Node::scalar(encode_value(x), {}, std::is_same_v<T, std::vector<std::string>>));
      return s;
    } else {
      return Node::scalar(encode_value(v), {}, std::is_same_v<T, std::string>);
    }
  }
  Node& out_;
};

template <class S>
Node encode(const S& s) {
  S copy = s;
  Node n;
  Encoder e(n);
  copy.visit(e);
  return n;
}

// ---- Documenter: struct -> parameter table --------------------------------------------------

struct ParamRow {
  std::string path;                    ///< dotted; a table's entries are one row "TABLE.<name>"
  std::string type;                    ///< for people, e.g. "integer", "one of a | b", "table"
  ValueKind kind = ValueKind::number;  ///< of the value at `path` (of each entry, for a table)
  std::string default_value;
  std::string unit;
  std::string range;
  std::string source;
  std::string doc;
};

class Documenter {
 public:
  Documenter(std::vector<ParamRow>& rows, std::string prefix) : rows_(rows), prefix_(std::move(prefix)) {}

  template <class T>
  void field(std::string_view key, const T& value, const FieldInfo& info = {}) {
    std::string def;
    if constexpr (std::is_same_v<T, std::vector<double>> || std::is_same_v<T, std::vector<std::string>>) {
      def = "[";
      for (std::size_t i = 0; i < value.size(); ++i) def += (i ? ", " : "") + encode_value(value[i]);
      def += "]";
    } else {
      def = encode_value(value);
    }
    add(key, std::string(type_name<T>()), value_kind<T>(), def, info);
  }
  template <class E>
  void choice(std::string_view key, const E& value, std::initializer_list<std::pair<std::string_view, E>> options,
              const FieldInfo& info = {}) {
    std::string def, all;
    for (const auto& [name, v] : options) {
      if (v == value) def = name;
      all += (all.empty() ? "" : " | ") + std::string(name);
    }
    add(key, "one of " + all, ValueKind::choice, def, info);
  }
  template <class S>
  void section(std::string_view key, const S& sub, std::string_view = {}) {
    S copy = sub;
    Documenter d(rows_, join_path(prefix_, key));
    copy.visit(d);
  }
  template <class T>
  void table(std::string_view key, const std::map<std::string, T>&, std::string_view doc = {},
             const FieldInfo& info = {}) {
    FieldInfo i = info;
    if (i.doc.empty()) i.doc = doc;
    if constexpr (requires(T & t, Documenter & dd) { t.visit(dd); }) {
      add(std::string(key) + ".<name>", "table", ValueKind::section, "(empty)", i);
    } else {
      add(std::string(key) + ".<name>", "table", value_kind<T>(), "(empty)", i);
    }
  }
  template <class T>
  void list(std::string_view key, const std::vector<T>&, std::string_view doc = {}) {
    FieldInfo i;
    i.doc = doc;
    add(std::string(key) + "[]", "list", ValueKind::list, "(see below)", i);
    T item{};
    Documenter d(rows_, join_path(prefix_, key) + "[]");
    item.visit(d);
  }
  void raw(std::string_view, const Node&, std::string_view = {}) {}

 private:
  void add(std::string_view key, std::string type, ValueKind kind, std::string def, const FieldInfo& info);
  std::vector<ParamRow>& rows_;
  std::string prefix_;
};

template <class S>
std::vector<ParamRow> document(const S& s, const std::string& prefix = "") {
  std::vector<ParamRow> rows;
  S copy = s;
  Documenter d(rows, prefix);
  copy.visit(d);
  return rows;
}

/// The row that documents the setting at dotted `path`: the row of that path, or for an
/// entry "TABLE.NAME" of a table the table's row "TABLE.<name>"; null if there is none
/// (e.g. a field inside an entry of a table of structs).
const ParamRow* find_row(const std::vector<ParamRow>& rows, std::string_view path);

/// Markdown table of parameters (docs and `tiersim params`).
std::string params_markdown(const std::vector<ParamRow>& rows);

}  // namespace tiersim::config
