#pragma once
// One swept parameter's value at one design point, kept in the type the design gave it
// from the plan until it goes into a run's config tree.
#include <cstdint>
#include <string>
#include <variant>

#include "sim/config/node.hpp"

namespace tiersim::sweep {

class SweptValue {
 public:
  using Value = std::variant<config::Node, double, std::int64_t>;

  /// A grid or zip value as written in the sweep file. The run config decodes it with the
  /// parameter's declared type and reports a bad value at its place in the sweep file.
  static SweptValue written(config::Node value);
  /// A value sampled for a floating-point parameter; `key` is where the parameter is named
  /// in the sweep file.
  static SweptValue number(double value, const config::Origin& key);
  /// A value sampled for a parameter declared as an integer (config::ValueKind::integer).
  static SweptValue integer(std::int64_t value, const config::Origin& key);

  const Value& value() const { return value_; }
  /// Exact text of the value: as written, or the shortest decimal that reads back as the
  /// same number (config::encode_value; plain digits for an integer).
  std::string text() const;
  /// The value as it goes into a run's config tree: the written node, or text() located at
  /// the parameter's key.
  config::Node node() const;
  /// The value in the result file's run plan. A written value is decoded as a number
  /// (InputError naming `path` if it is not one); a sampled one is exact.
  double to_double(const std::string& path) const;

 private:
  SweptValue(Value value, config::Origin key) : value_(std::move(value)), key_(std::move(key)) {}
  Value value_;
  config::Origin key_;  // sampled values: the parameter's key in the sweep file
};

}  // namespace tiersim::sweep
