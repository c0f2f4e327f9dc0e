#include "sim/config/node.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace tiersim::config {

std::string Origin::describe() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

Node Node::scalar(std::string text, Origin origin, bool quoted) {
  Node n;
  n.kind_ = Kind::scalar;
  n.text_ = std::move(text);
  n.quoted_ = quoted;
  n.origin_ = std::move(origin);
  return n;
}

Node Node::map(Origin origin) {
  Node n;
  n.kind_ = Kind::map;
  n.origin_ = std::move(origin);
  return n;
}

Node Node::seq(Origin origin) {
  Node n;
  n.kind_ = Kind::seq;
  n.origin_ = std::move(origin);
  return n;
}

Node Node::null(Origin origin) {
  Node n;
  n.origin_ = std::move(origin);
  return n;
}

std::string Node::kind_name() const {
  switch (kind_) {
    case Kind::null: return "nothing (null)";
    case Kind::scalar: return "a single value";
    case Kind::map: return "a mapping (key: value pairs)";
    case Kind::seq: return "a list";
  }
  return "?";
}

void Node::relocate(const Origin& origin) {
  origin_ = origin;
  for (auto& e : entries_) {
    e.key_origin = origin;
    e.value.relocate(origin);
  }
  for (auto& i : items_) i.relocate(origin);
}

const Node* Node::find(std::string_view key) const {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == key; });
  return it == entries_.end() ? nullptr : &it->value;
}

Node* Node::find(std::string_view key) { return const_cast<Node*>(std::as_const(*this).find(key)); }

Node& Node::set(const std::string& key, Node value, Origin key_origin) {
  if (kind_ != Kind::map) {
    *this = Node::map(key_origin);
  }
  for (auto& e : entries_) {
    if (e.key == key) {
      e.value = std::move(value);
      e.key_origin = std::move(key_origin);
      return e.value;
    }
  }
  entries_.push_back(Entry{key, std::move(key_origin), std::move(value)});
  return entries_.back().value;
}

bool Node::erase(const std::string& key) {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == key; });
  if (it == entries_.end()) return false;
  entries_.erase(it);
  return true;
}

namespace {

/// The keys of a dotted path, empty ones included ("a..b" has three).
std::vector<std::string_view> path_keys(std::string_view path) {
  std::vector<std::string_view> keys;
  for (std::size_t begin = 0;;) {
    const std::size_t dot = path.find('.', begin);
    keys.push_back(path.substr(begin, dot == std::string_view::npos ? std::string_view::npos : dot - begin));
    if (dot == std::string_view::npos) return keys;
    begin = dot + 1;
  }
}

/// Follows one key of a path from `n`: a map key, possibly ending in list indices
/// ("firms[1]", "grid[0][2]"). Appends every node reached to `out`; false if it stopped
/// before the end of `key`. A map key that itself contains brackets is found as written.
bool follow(const Node& n, std::string_view key, std::vector<const Node*>& out) {
  if (!n.is_map()) return false;
  if (const Node* hit = n.find(key)) {
    out.push_back(hit);
    return true;
  }
  const std::size_t bracket = key.find('[');
  if (bracket == 0 || bracket == std::string_view::npos) return false;
  const Node* cur = n.find(key.substr(0, bracket));
  if (cur == nullptr) return false;
  out.push_back(cur);
  for (std::string_view rest = key.substr(bracket); !rest.empty();) {
    const std::size_t close = rest.find(']');
    if (rest.front() != '[' || close == std::string_view::npos || close == 1) return false;
    std::size_t index = 0;
    const auto [end, ec] = std::from_chars(rest.data() + 1, rest.data() + close, index);
    if (ec != std::errc{} || end != rest.data() + close || !cur->is_seq() || index >= cur->items().size()) {
      return false;
    }
    cur = &cur->items()[index];
    out.push_back(cur);
    rest.remove_prefix(close + 1);
  }
  return true;
}

}  // namespace

const Node* Node::find_path(std::string_view path) const {
  std::vector<const Node*> nodes{this};
  for (const std::string_view key : path_keys(path)) {
    if (!follow(*nodes.back(), key, nodes)) return nullptr;
  }
  return nodes.back();
}

Node* Node::find_path(std::string_view path) { return const_cast<Node*>(std::as_const(*this).find_path(path)); }

std::vector<const Node*> Node::trail(std::string_view path) const {
  std::vector<const Node*> nodes{this};
  for (const std::string_view key : path_keys(path)) {
    if (!follow(*nodes.back(), key, nodes)) break;
  }
  return nodes;
}

const Origin& Node::origin_of(std::string_view path) const { return trail(path).back()->origin(); }

Node& Node::set_path(std::string_view path, Node value, const Origin& key_origin) {
  if (path.empty()) throw InputError(key_origin.describe() + ": empty key");
  const auto keys = path_keys(path);
  if (std::find(keys.begin(), keys.end(), std::string_view()) != keys.end()) {
    throw InputError(key_origin.describe() + ": empty component in key '" + std::string(path) + "'");
  }
  if (!is_map()) *this = Node::map(key_origin);
  Node* map = this;
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    const std::string key(keys[i]);
    Node* next = map->find(key);
    if (next == nullptr) {
      next = &map->set(key, Node::map(key_origin), key_origin);
    } else if (!next->is_map()) {
      throw PathBlocked(path, key, *next, key_origin);
    }
    map = next;
  }
  Node* target = map->find(keys.back());
  if (target != nullptr && target->is_map() && value.is_map()) {
    merge_into(*target, value);
    return *target;
  }
  return map->set(std::string(keys.back()), std::move(value), key_origin);
}

PathBlocked::PathBlocked(std::string_view path, std::string key, const Node& holder, const Origin& key_origin)
    : InputError(key_origin.describe() + ": key '" + std::string(path) + "': '" + key + "' holds " +
                 holder.kind_name() + " (set at " + holder.origin().describe() + "), not a mapping"),
      key_(std::move(key)),
      holds_(holder.kind_name()),
      holder_origin_(holder.origin()) {}

void merge_into(Node& base, const Node& top) {
  if (!top.is_map() || !base.is_map()) {
    base = top;
    return;
  }
  base.set_origin(top.origin());
  for (const auto& e : top.entries()) {
    Node* existing = base.find(e.key);
    if (existing != nullptr && existing->is_map() && e.value.is_map()) {
      merge_into(*existing, e.value);
    } else {
      base.set(e.key, e.value, e.key_origin);
    }
  }
}

namespace {

bool needs_quotes(const std::string& s) {
  if (s.empty()) return true;
  static const std::string special = ":#{}[],&*!|>'\"%@`";
  if (s.front() == ' ' || s.back() == ' ') return true;
  // '-' and '?' start a list item or a complex key only when a space (or nothing) follows;
  // "-0.3" is a plain number and must stay one, or the resolved config does not load again.
  if ((s.front() == '-' || s.front() == '?') && (s.size() == 1 || s[1] == ' ')) return true;
  if (s.rfind("---", 0) == 0 || s.rfind("...", 0) == 0) return true;  // document markers
  return s.find_first_of(special) != std::string::npos || s.find('\n') != std::string::npos;
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string scalar_text(const Node& n) { return (n.quoted() || needs_quotes(n.text())) ? quote(n.text()) : n.text(); }

bool is_flow_seq(const Node& n) {
  return n.is_seq() && std::all_of(n.items().begin(), n.items().end(), [](const Node& i) { return i.is_scalar(); });
}

void emit(std::ostringstream& os, const Node& n, int indent);

void emit_map(std::ostringstream& os, const Node& n, int indent) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  for (const auto& e : n.entries()) {
    os << pad << e.key << ":";
    if (e.value.is_map() && e.value.entries().empty()) {
      os << " {}\n";
    } else if (e.value.is_map() || (e.value.is_seq() && !is_flow_seq(e.value))) {
      os << "\n";
      emit(os, e.value, indent + 2);
    } else {
      os << " ";
      emit(os, e.value, 0);
    }
  }
}

void emit_seq(std::ostringstream& os, const Node& n, int indent) {
  if (is_flow_seq(n)) {
    os << "[";
    for (std::size_t i = 0; i < n.items().size(); ++i) {
      os << (i ? ", " : "") << scalar_text(n.items()[i]);
    }
    os << "]\n";
    return;
  }
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  for (const auto& item : n.items()) {
    os << pad << "-";
    if (item.is_map()) {
      os << "\n";
      emit(os, item, indent + 2);
    } else {
      os << " ";
      emit(os, item, 0);
    }
  }
}

void emit(std::ostringstream& os, const Node& n, int indent) {
  if (n.is_map()) {
    emit_map(os, n, indent);
  } else if (n.is_seq()) {
    emit_seq(os, n, indent);
  } else if (n.is_scalar()) {
    os << scalar_text(n) << "\n";
  } else {
    os << "null\n";
  }
}

}  // namespace

std::string to_yaml(const Node& node) {
  std::ostringstream os;
  if (node.is_map() && node.entries().empty()) return "{}\n";
  emit(os, node, 0);
  return os.str();
}

}  // namespace tiersim::config
