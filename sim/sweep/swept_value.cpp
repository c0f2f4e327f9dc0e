#include "sim/sweep/swept_value.hpp"

#include "sim/config/schema.hpp"

namespace tiersim::sweep {

SweptValue SweptValue::written(config::Node value) {
  config::Origin at = value.origin();
  return SweptValue(std::move(value), std::move(at));
}

SweptValue SweptValue::number(double value, const config::Origin& key) { return SweptValue(value, key); }

SweptValue SweptValue::integer(std::int64_t value, const config::Origin& key) { return SweptValue(value, key); }

std::string SweptValue::text() const {
  if (const auto* node = std::get_if<config::Node>(&value_)) return node->text();
  if (const auto* i = std::get_if<std::int64_t>(&value_)) return std::to_string(*i);
  return config::encode_value(std::get<double>(value_));
}

config::Node SweptValue::node() const {
  if (const auto* node = std::get_if<config::Node>(&value_)) return *node;
  return config::Node::scalar(text(), key_);
}

double SweptValue::to_double(const std::string& path) const {
  if (const auto* i = std::get_if<std::int64_t>(&value_)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&value_)) return *d;
  double v = 0;
  config::decode_value(std::get<config::Node>(value_), path, v);
  return v;
}

}  // namespace tiersim::sweep
