// The Chinese suppliers' decisions (models/diffusion/china_supply.hpp): the rules alone,
// and the agents' responses (sign and lag) to requests they see month by month.
#include <catch2/catch.hpp>

#include <functional>

#include "models/diffusion/china_supply.hpp"
#include "models/diffusion/supply.hpp"

using namespace tiersim;
using namespace tiersim::models::diffusion;

TEST_CASE("The export allocation serves China first unless foreign requests weigh more", "[diffusion][china]") {
  // Output 100, foreign requests 50, domestic 200.
  CHECK(export_allocation(100, 50, 200, 0.0) == 0.0);                       // domestic first: nothing abroad
  CHECK(export_allocation(100, 50, 60, 0.0) == Approx(40.0));               // ... but what China does not ask for
  CHECK(export_allocation(100, 50, 200, 1.0) == Approx(100.0 * 50 / 250));  // equal weights: in proportion
  CHECK(export_allocation(100, 50, 200, 1e6) == Approx(50.0));              // foreign first, never beyond the requests
  CHECK(export_allocation(100, 0, 200, 1.0) == 0.0);
  CHECK(export_allocation(0, 50, 200, 1.0) == 0.0);
  double last = 0;
  for (double w : {0.01, 0.1, 1.0, 10.0}) {
    const double e = export_allocation(100, 50, 200, w);
    CHECK(e > last);
    last = e;
  }
}

TEST_CASE("The investment rule: nothing while q <= 1, faster with q, up to the target and the growth cap",
          "[diffusion][china]") {
  ChinaChipParams c;
  c.adjustment_cost = 10;
  c.max_quarterly_growth = 0.5;
  CHECK(investment(c, 100, 0.9, 1000) == 0.0);
  CHECK(investment(c, 100, 1.0, 1000) == 0.0);
  CHECK(investment(c, 100, 2.0, 1000) == Approx(10.0));
  CHECK(investment(c, 100, 3.0, 1000) == Approx(20.0));
  CHECK(investment(c, 100, 100.0, 1000) == Approx(50.0));  // growth cap
  CHECK(investment(c, 100, 3.0, 105) == Approx(5.0));      // target
  CHECK(investment(c, 100, 3.0, 90) == 0.0);
}

namespace {

/// The Chinese suppliers alone, in a three-country world (China, a Tier 2 host of Chinese
/// cloud regions, another Tier 2 country), fed month by month with requests.
struct ChinaWorld {
  DiffusionParams p;
  CountryTable table;
  time::Calendar calendar{time::YearMonth{2025, 1}, 72};
  engine::Executor executor{1};
  State s;

  explicit ChinaWorld(const std::function<void(DiffusionParams&)>& tweak = {}) {
    if (tweak) tweak(p);
    table.rows.resize(3);
    table.rows[0].tier_2025 = 3;
    table.rows[1].tier_2025 = 2;
    table.rows[2].tier_2025 = 2;
    s.world.countries = 3;
    s.world.china = {true, false, false};
    s.world.cn_cloud_host = {false, true, false};
    s.world.demand_share = {0.15, 0.05, 0.05};
    s.policy = std::make_unique<Policy>(p.policy, table, std::vector<Event>{}, std::vector<bool>{false, false, false});
    s.month.country.assign(3, CountryMonth{});
    init_china(s, p);
  }

  Env env() const {
    return Env{p,
               calendar,
               executor,
               1,
               0,
               rng::Stream(1, 0, 1),
               rng::Stream(1, 0, 2),
               rng::Stream(1, 0, 3),
               rng::Stream(1, 0, 4)};
  }

  /// One month: supply, requests (domestic, foreign chips, cloud in the host), the clouds'
  /// orders all shipped and cloud requests rented as far as capacity goes, then learning.
  void month(int step, double domestic, double foreign_chips, double cloud) {
    const Env e = env();
    s.clock = Clock{step, calendar.month_at(step)};
    s.vendors.base_price = us_base_price(p.vendors, s.clock.now);
    china_supply(s, e);
    for (auto& m : s.month.country) m = CountryMonth{};
    s.month.country[0].demand[kCnChip] = domestic;
    s.month.country[2].demand[kCnChip] = foreign_chips;
    s.month.country[1].demand[kCnCloud] = cloud;
    s.month.global = GlobalMonth{};
    s.month.global.cn_cloud_used = std::min(cloud, s.china.cloud_pool);
    s.china.cloud_shipped = s.china.cloud_orders;
    china_settlement(s, e);
    learn_chinese_demand(s, e);
  }

  double capacity() const {
    double k = 0;
    for (const auto& f : s.china.firms) k += f.capacity;
    return k;
  }
  double exports() const {
    double x = 0;
    for (const auto& f : s.china.firms) x += f.exports;
    return x;
  }
  double cloud_placed() const {
    double x = 0;
    for (const auto& cl : s.china.clouds) x += cl.placed[1];
    return x;
  }
};

struct Path {
  std::vector<double> capacity, exports, orders, cloud;
};

/// Run 48 months; `shock` multiplies the foreign chip requests (or the cloud requests)
/// from month 12 to 23.
Path run(ChinaWorld& w, double chip_shock, double cloud_shock, double domestic = 15000, double foreign = 5000) {
  Path out;
  for (int m = 0; m < 48; ++m) {
    const bool shocked = m >= 12 && m < 24;
    w.month(m, domestic, foreign * (shocked ? chip_shock : 1.0), 500.0 * (shocked ? cloud_shock : 1.0));
    out.capacity.push_back(w.capacity());
    out.exports.push_back(w.exports());
    out.orders.push_back(w.s.china.cloud_orders);
    out.cloud.push_back(w.cloud_placed());
  }
  return out;
}

int first_difference(const std::vector<double>& a, const std::vector<double>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

TEST_CASE("Doubling foreign requests for Chinese chips raises exports at once and capacity after the build lag",
          "[diffusion][china][behaviour]") {
  auto relaxed = [](DiffusionParams& p) { p.china.chips.hbm_controls_binding = false; };
  SECTION("exports, while China asks for more than the firms make") {
    ChinaWorld base(relaxed), shock(relaxed);
    const Path a = run(base, 1.0, 1.0, 1e5, 5000);
    const Path b = run(shock, 2.0, 1.0, 1e5, 5000);
    // The month after the first shocked requests are seen, and not before.
    CHECK(first_difference(a.exports, b.exports) == 13);
    for (std::size_t m = 13; m < 24; ++m) CHECK(b.exports[m] > a.exports[m]);
  }
  SECTION("capacity, while requests are below what the firms hold") {
    ChinaWorld base(relaxed), shock(relaxed);
    const Path a = run(base, 1.0, 1.0, 15000, 3000);
    const Path b = run(shock, 2.0, 1.0, 15000, 3000);
    // Decided at a quarter's start after the requests were seen (April 2026, month 15, at
    // the earliest), in use a build lag later; never lower afterwards.
    const int lag = base.p.china.chips.build_lag_months;
    const int first = first_difference(a.capacity, b.capacity);
    CHECK(first >= 15 + lag);
    CHECK((first - lag) % 3 == 0);
    for (auto m = static_cast<std::size_t>(first); m < a.capacity.size(); ++m) CHECK(b.capacity[m] > a.capacity[m]);
  }
}

TEST_CASE("Without state support capacity grows more slowly", "[diffusion][china][behaviour]") {
  auto relaxed = [](double support) {
    return [support](DiffusionParams& p) {
      p.china.chips.hbm_controls_binding = false;
      p.china.chips.state_support = support;
    };
  };
  ChinaWorld none(relaxed(0.0)), some(relaxed(0.5)), much(relaxed(0.9));
  // Requests well beyond capacity: every firm would like to grow.
  const Path a = run(none, 1.0, 1.0, 1e5, 5000);
  const Path b = run(some, 1.0, 1.0, 1e5, 5000);
  const Path c = run(much, 1.0, 1.0, 1e5, 5000);
  CHECK(a.capacity.back() < b.capacity.back());
  CHECK(b.capacity.back() < c.capacity.back());
  CHECK(a.capacity.back() >= a.capacity.front());
}

TEST_CASE("Output never exceeds the input limits, and relaxing HBM controls raises 2026 output",
          "[diffusion][china][behaviour]") {
  auto hbm = [](bool binding) {
    return [binding](DiffusionParams& p) {
      p.china.chips.hbm_controls_binding = binding;
      p.china.chips.state_support = 0.9;
    };
  };
  ChinaWorld bind(hbm(true)), relax(hbm(false));
  double out_bind = 0, out_relax = 0;
  for (int m = 0; m < 36; ++m) {
    bind.month(m, 1e5, 5000, 500);
    relax.month(m, 1e5, 5000, 500);
    for (const auto& f : bind.s.china.firms) CHECK(f.output * 12 <= f.limit * (1 + 1e-12));
    if (m >= 12 && m < 24) {
      for (const auto& f : bind.s.china.firms) out_bind += f.output;
      for (const auto& f : relax.s.china.firms) out_relax += f.output;
    }
  }
  CHECK(out_relax > out_bind);
}

TEST_CASE("Chinese clouds order hardware for requests abroad, online a build lag later",
          "[diffusion][china][behaviour]") {
  ChinaWorld base, shock;
  const Path a = run(base, 1.0, 1.0);
  const Path b = run(shock, 1.0, 4.0);
  CHECK(first_difference(a.orders, b.orders) == 13);
  CHECK(b.orders[13] > a.orders[13]);
  CHECK(b.cloud.back() > a.cloud.back());
}

TEST_CASE("Frozen behaviours follow the reference paths whatever the requests", "[diffusion][china]") {
  auto frozen = [](DiffusionParams& p) {
    p.china.behaviour.capacity = Behaviour::frozen;
    p.china.behaviour.exports = Behaviour::frozen;
  };
  ChinaWorld low(frozen), high(frozen);
  const Path a = run(low, 1.0, 1.0, 1e3, 100);
  const Path b = run(high, 10.0, 1.0, 1e6, 1e5);
  CHECK(a.capacity == b.capacity);
  CHECK(a.exports == b.exports);
  CHECK(a.capacity[24] == Approx(huawei_units(low.p.china, 2027)));
  CHECK(a.exports[24] == Approx(low.p.china.export_share * huawei_units(low.p.china, 2027) / 12));
}
