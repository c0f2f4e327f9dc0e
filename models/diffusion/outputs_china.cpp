// What the diffusion model reports about the Chinese suppliers' decisions (docs/ODD.md
// "Outputs"): each firm's capacity, output, exports and investment, prices, and each
// cloud's capacity abroad and orders, by month.
#include <algorithm>

#include "models/diffusion/outputs.hpp"

namespace tiersim::models::diffusion {
namespace {

using engine::Reduce;

/// An observable over the chip firms from one field of ChinaFirm.
template <class Get>
void per_firm(engine::Registry& reg, const State& s, const char* name, const char* unit, const char* doc, Get get) {
  reg.add_observable({name, unit, doc, {"cn_firm"}, Reduce::sum, "", "", [&s, get](std::span<double> out) {
                        for (std::size_t k = 0; k < s.china.firms.size(); ++k) out[k] = get(s.china.firms[k]);
                      }});
}

/// A scalar observable of the Chinese suppliers.
template <class Get>
void scalar(engine::Registry& reg, const State& s, const char* name, const char* unit, const char* doc, Reduce reduce,
            Get get) {
  reg.add_observable(
      {name, unit, doc, {}, reduce, "", "", [&s, get](std::span<double> out) { out[0] = get(s.china); }});
}

}  // namespace

void declare_chinese_suppliers(engine::Registry& reg, const State& s, const DiffusionParams& p) {
  std::vector<std::string> firms, clouds;
  for (const auto& f : p.china.chips.firms) firms.push_back(f.name);
  for (const auto& f : p.china.clouds.firms) clouds.push_back(f.name);
  reg.add_dimension({"cn_firm", firms, "Chinese AI-chip firm"});
  reg.add_dimension({"cn_cloud", clouds, "Chinese cloud with regions abroad"});
  per_firm(reg, s, "cn_firm_capacity", "units/year", "packaging and test capacity in use (910C-class units)",
           [](const ChinaFirm& f) { return f.capacity; });
  per_firm(reg, s, "cn_firm_limit", "units/year", "the firm's input limit (wafers, HBM) this year",
           [](const ChinaFirm& f) { return f.limit; });
  per_firm(reg, s, "cn_firm_output", "units/month", "output", [](const ChinaFirm& f) { return f.output; });
  per_firm(reg, s, "cn_firm_exports", "units/month", "output allocated to export",
           [](const ChinaFirm& f) { return f.exports; });
  per_firm(reg, s, "cn_firm_investment", "units/year", "capacity ordered in the quarter's decision",
           [](const ChinaFirm& f) { return f.investment; });
  scalar(reg, s, "cn_price", "USD/H100e", "price of Chinese chips in China per (nominal) H100e, buyers pay",
         Reduce::mean, [](const China& c) { return c.price; });
  scalar(reg, s, "cn_export_price", "USD/H100e", "price of Chinese chips abroad per (nominal) H100e, buyers pay",
         Reduce::mean, [](const China& c) { return c.export_price; });
  scalar(reg, s, "cn_domestic_capacity", "H100e/month", "Chinese chips for China's buyers", Reduce::sum,
         [](const China& c) { return c.domestic_pool; });
  scalar(reg, s, "cn_cloud_open", "H100e", "Chinese cloud capacity abroad open to rent this month", Reduce::sum,
         [](const China& c) { return c.cloud_pool; });
  reg.add_observable({"cn_cloud_capacity_abroad",
                      "H100e",
                      "Chinese cloud capacity placed abroad (online and under construction)",
                      {"cn_cloud", "country"},
                      Reduce::sum,
                      "",
                      "",
                      [&s](std::span<double> out) {
                        const std::size_t n = s.world.countries;
                        for (std::size_t k = 0; k < s.china.clouds.size(); ++k) {
                          std::copy(s.china.clouds[k].placed.begin(), s.china.clouds[k].placed.end(),
                                    out.begin() + static_cast<std::ptrdiff_t>(k * n));
                        }
                      }});
  reg.add_observable({"cn_cloud_orders",
                      "H100e/month",
                      "Chinese clouds' hardware orders for capacity abroad",
                      {"cn_cloud"},
                      Reduce::sum,
                      "",
                      "",
                      [&s](std::span<double> out) {
                        for (std::size_t k = 0; k < s.china.clouds.size(); ++k) out[k] = s.china.clouds[k].orders;
                      }});
}

}  // namespace tiersim::models::diffusion
