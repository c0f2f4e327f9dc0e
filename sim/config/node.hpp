#pragma once
// The configuration as a tree that remembers where every value came from. YAML files,
// `base:` parents and `--set` overrides are merged at this level, before any decoding,
// so that every error can name the file, line and column of the offending key.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/error.hpp"

namespace tiersim::config {

/// Where a node was written: a file and 1-based line/column, or the command line.
struct Origin {
  std::string file;              ///< path as given, or "<command line>"
  int line = 0;                  ///< 1-based; 0 if not applicable
  int column = 0;                ///< 1-based; 0 if not applicable
  std::string describe() const;  ///< "file:line:col" or "file"
};

class Node {
 public:
  enum class Kind { null, scalar, map, seq };
  struct Entry;

  Node() = default;
  static Node scalar(std::string text, Origin origin, bool quoted = false);
  static Node map(Origin origin);
  static Node seq(Origin origin);
  static Node null(Origin origin);

  Kind kind() const { return kind_; }
  bool is_map() const { return kind_ == Kind::map; }
  bool is_seq() const { return kind_ == Kind::seq; }
  bool is_scalar() const { return kind_ == Kind::scalar; }
  bool is_null() const { return kind_ == Kind::null; }
  /// Scalar text as written (quotes removed).
  const std::string& text() const { return text_; }
  /// True if the scalar was quoted in YAML (so "1" is a string, not a number).
  bool quoted() const { return quoted_; }
  const Origin& origin() const { return origin_; }
  std::string kind_name() const;
  /// Give this node and everything below it a new origin (for command-line overrides).
  void relocate(const Origin& origin);
  /// Give this node alone a new origin (merge_into: a map merged into another is then
  /// located in the file merged on top, the one the user gave).
  void set_origin(Origin origin) { origin_ = std::move(origin); }

  // Map access (insertion order is preserved).
  const std::vector<Entry>& entries() const { return entries_; }
  const Node* find(std::string_view key) const;
  Node* find(std::string_view key);
  /// Insert or replace; returns the stored node.
  Node& set(const std::string& key, Node value, Origin key_origin);
  bool erase(const std::string& key);

  // Dotted paths: "a.b.c" names key c of the map under key b of the map under key a. For
  // reading, a key may end in list indices: "firms[1].hq" is key hq of the second item of
  // the list under key firms.
  /// The node at `path`, or null if a key is missing or a node on the way is not a map (or,
  /// for an index, not a list long enough).
  const Node* find_path(std::string_view path) const;
  Node* find_path(std::string_view path);
  /// The nodes along `path` that exist, outermost first: this node, then one per key or
  /// index reached. The last one is the node at `path` if find_path finds it.
  std::vector<const Node*> trail(std::string_view path) const;
  /// Where the value at `path` was written: the origin of the deepest node along `path`
  /// that exists (this node's own origin if the first key is already missing).
  const Origin& origin_of(std::string_view path) const;
  /// Put `value` at `path` with the semantics of `--set`: missing maps on the way are
  /// created, a map merges into a map already there (merge_into), anything else replaces.
  /// Created and replaced keys (and this node, if it is not a map yet) get `key_origin`.
  /// Returns the node now at `path`. Throws InputError "KEY_ORIGIN: empty key" or
  /// "KEY_ORIGIN: empty component in key 'PATH'", and PathBlocked if a node on the way holds
  /// something other than a map.
  Node& set_path(std::string_view path, Node value, const Origin& key_origin);

  // Sequence access.
  const std::vector<Node>& items() const { return items_; }
  void push_back(Node value);  // defined below Entry (clang in C++20 needs Entry complete here)

 private:
  Kind kind_ = Kind::null;
  std::string text_;
  bool quoted_ = false;
  Origin origin_;
  std::vector<Entry> entries_;
  std::vector<Node> items_;
};

struct Node::Entry {
  std::string key;
  Origin key_origin;
  Node value;
};

inline void Node::push_back(Node value) { items_.push_back(std::move(value)); }

/// Node::set_path met a value that is not a map where the path needs one to descend.
/// what(): "KEY_ORIGIN: key 'PATH': 'KEY' holds KIND (set at ORIGIN), not a mapping"; the
/// parts are kept so that a caller can phrase the message for its own input.
class PathBlocked : public InputError {
 public:
  PathBlocked(std::string_view path, std::string key, const Node& holder, const Origin& key_origin);
  const std::string& key() const { return key_; }      ///< the key on the way, e.g. "months"
  const std::string& holds() const { return holds_; }  ///< Node::kind_name() of its value
  const Origin& holder_origin() const { return holder_origin_; }

 private:
  std::string key_;
  std::string holds_;
  Origin holder_origin_;
};

/// Overlay `top` onto `base`: maps merge key by key (recursively), anything else in `top`
/// replaces what `base` had. A null value in `top` replaces too (decoding then refuses it:
/// a null is no value, so it cannot mean "the default" or "remove the inherited key").
void merge_into(Node& base, const Node& top);

/// Render a node as YAML text (block style, keys in stored order).
std::string to_yaml(const Node& node);

}  // namespace tiersim::config
