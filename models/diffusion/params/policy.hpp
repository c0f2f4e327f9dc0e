#pragma once
// Parameters of the regulator: the AI Diffusion rule and the dated events of a scenario
// (docs/ODD.md s.7.3, s.7.9).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config/schema.hpp"
#include "sim/time/calendar.hpp"

namespace tiersim::models::diffusion {

enum class CapRelease { linear, front_loaded };
enum class Rationing { pro_rata, random_order };

struct RuleParams {
  bool caps = true;
  bool uveu_limits = true;
  double cap_h100e = 49900.0;
  CapRelease release = CapRelease::linear;
  time::YearMonth release_start{2025, 1};
  int release_months = 36;
  double annual_release_after = 16633.0;
  double g2g_multiplier = 2.0;
  double g2g_probability = 0.3;
  std::map<std::string, double> g2g_probability_by_country{{"ARE", 0.9}, {"SAU", 0.9}};
  double lpp_h100e_per_year = 1699.0;
  Rationing rationing = Rationing::pro_rata;
  double uveu_min_tier1_share = 0.75;
  double uveu_max_tier2_share = 0.07;
  double uveu_min_home_share = 0.5;
  bool nveu = true;
  double nveu_min_demand = 50000.0;
  std::vector<double> nveu_cumulative{100000.0, 270000.0, 320000.0};

  template <class V>
  void visit(V& v) {
    v.field("caps", caps,
            {.doc = "Tier 2 quantitative caps apply (false: Microsoft's proposal)", .source = "cal. s2 [S16]"});
    v.field(
        "uveu_limits", uveu_limits,
        {.doc = "UVEU placement limits (75% Tier 1, 7% per Tier 2 country, 50% home) apply", .source = "cal. s2 [S3]"});
    v.field("cap_h100e", cap_h100e,
            {.unit = "H100e",
             .doc = "cumulative Tier 2 country cap 2025-2027 (790M TPP / 15,832)",
             .source = "cal. s2 [S1,S4]",
             .min = 0.0});
    v.choice("release", release, {{"linear", CapRelease::linear}, {"front_loaded", CapRelease::front_loaded}},
             {.doc = "how the cap is released over its period", .source = "cal. s8/s9 (linear default)"});
    v.field("release_start", release_start,
            {.unit = "month", .doc = "first month of the cap period", .source = "cal. s2"});
    v.field("release_months", release_months,
            {.unit = "month",
             .doc = "length of the cap period (2025-2027)",
             .source = "cal. s2",
             .min = 1.0,
             .max = 600.0});
    v.field("annual_release_after", annual_release_after,
            {.unit = "H100e/year",
             .doc = "cap released per year after the period (rule kept in force)",
             .source = "assumption (same yearly rate as 2025-2027)",
             .min = 0.0});
    v.field("g2g_multiplier", g2g_multiplier,
            {.unit = "1",
             .doc = "cap multiplier with a government-to-government agreement",
             .source = "cal. s2 [S4]",
             .min = 1.0,
             .max = 100.0});
    v.field("g2g_probability", g2g_probability,
            {.unit = "1",
             .doc = "probability that a Tier 2 country concludes a G2G agreement",
             .source = "cal. s9 (0.3)",
             .min = 0.0,
             .max = 1.0});
    v.table("g2g_probability_by_country", g2g_probability_by_country, "per-country G2G probability (ISO3)",
            {.unit = "1", .source = "cal. s9 (0.9 for ARE/SAU)", .min = 0.0, .max = 1.0});
    v.field("lpp_h100e_per_year", lpp_h100e_per_year,
            {.unit = "H100e/(consignee year)",
             .doc = "LPP exemption per ultimate consignee per calendar year",
             .source = "cal. s2 [S5]",
             .min = 0.0});
    v.choice("rationing", rationing, {{"pro_rata", Rationing::pro_rata}, {"random_order", Rationing::random_order}},
             {.doc = "how a short cap ledger is shared", .source = "MODEL s.4"});
    v.field("uveu_min_tier1_share", uveu_min_tier1_share,
            {.unit = "1",
             .doc = "UVEU: minimum share of capacity in Tier 1",
             .source = "cal. s2 [S3]",
             .min = 0.0,
             .max = 1.0});
    v.field("uveu_max_tier2_share", uveu_max_tier2_share,
            {.unit = "1",
             .doc = "UVEU: maximum share of capacity in any one Tier 2 country",
             .source = "cal. s2 [S3]",
             .min = 0.0,
             .max = 1.0});
    v.field("uveu_min_home_share", uveu_min_home_share,
            {.unit = "1",
             .doc = "UVEU: minimum share in the US for US-headquartered firms",
             .source = "cal. s2 [S3]",
             .min = 0.0,
             .max = 1.0});
    v.field("nveu", nveu, {.doc = "large buyers may hold National VEU allowances", .source = "cal. s2 [S11]"});
    v.field("nveu_min_demand", nveu_min_demand,
            {.unit = "H100e/year",
             .doc = "yearly demand of one consignee above which a Tier 2 buyer is an NVEU",
             .source = "assumption",
             .min = 0.0});
    v.field("nveu_cumulative", nveu_cumulative,
            {.unit = "H100e",
             .doc = "NVEU cumulative allowance at the end of 2025, 2026, 2027",
             .source = "cal. s2 [S11,S2]",
             .min = 0.0});
  }
};

/// What a dated policy event does. `unset` only until decoded: an event must name its action.
enum class EventAction {
  unset,
  rule_on,
  rule_off,
  guidance_on,
  guidance_off,
  retaliation_on,
  retaliation_off,
  g2g,
  tier,
  china_licence_on,
  china_licence_off,
  compliant_tier2_on,
  compliant_tier2_off,
  permits_on,
  permits_off,
  china_discourage_on,
  china_discourage_off
};

/// The name of an action as written in configs.
std::string_view event_action_name(EventAction a);

/// A dated policy event. Actions: rule_on, rule_off, guidance_on, guidance_off,
/// retaliation_on, retaliation_off, g2g (countries get the G2G multiplier), tier (countries
/// move to `tier`), china_licence_on/off (US compliant chips may or may not be sold to China),
/// compliant_tier2_on/off (capped Tier 2 buyers may or may not buy compliant chips outside the cap),
/// permits_on/off (the countries' own permit regime for US AI chips, leakage),
/// china_discourage_on/off (Beijing tells its firms not to buy US chips).
struct EventSpec {
  time::Date date{2025, 1, 13};
  EventAction action = EventAction::unset;
  std::vector<std::string> countries;
  int tier = 2;
  std::string note;

  template <class V>
  void visit(V& v) {
    v.field("date", date, {.doc = "date the event takes effect (lands in its month)"});
    v.choice("action", action,
             {{"rule_on", EventAction::rule_on},
              {"rule_off", EventAction::rule_off},
              {"guidance_on", EventAction::guidance_on},
              {"guidance_off", EventAction::guidance_off},
              {"retaliation_on", EventAction::retaliation_on},
              {"retaliation_off", EventAction::retaliation_off},
              {"g2g", EventAction::g2g},
              {"tier", EventAction::tier},
              {"china_licence_on", EventAction::china_licence_on},
              {"china_licence_off", EventAction::china_licence_off},
              {"compliant_tier2_on", EventAction::compliant_tier2_on},
              {"compliant_tier2_off", EventAction::compliant_tier2_off},
              {"permits_on", EventAction::permits_on},
              {"permits_off", EventAction::permits_off},
              {"china_discourage_on", EventAction::china_discourage_on},
              {"china_discourage_off", EventAction::china_discourage_off}},
             {.doc = "what the event does (g2g: the countries get the G2G multiplier; tier: they move to `tier`; "
                     "china_licence_on/off: US compliant chips may (not) be sold to China; "
                     "compliant_tier2_on/off: capped Tier 2 buyers may (not) buy them outside the cap; "
                     "permits_on/off: the countries' own export and transshipment permit regime starts (ends); "
                     "china_discourage_on/off: Beijing tells its firms not to buy US chips (adds "
                     "china_discourage_penalty))"});
    v.field("countries", countries, {.doc = "ISO3 codes (g2g, tier, permits_on/off)"});
    v.field("tier", tier, {.unit = "1", .doc = "new tier (action tier)", .min = 1.0, .max = 3.0});
    v.field("note", note, {.doc = "what the event is, with its source"});
  }
};

struct PolicyParams {
  RuleParams rule;
  std::vector<EventSpec> events;
  double guidance_risk = 1.0;
  double restrict_risk = 1.0;
  double retaliation_cost_multiplier = 1.05;
  bool china_licence_at_start = true;
  bool compliant_tier2_at_start = true;
  double compliant_quality = 0.5;
  double china_us_penalty = 4.0;
  double china_discourage_penalty = 1.0;

  template <class V>
  void visit(V& v) {
    v.section("rule", rule, "the AI Diffusion rule when in force");
    v.list("events", events, "dated policy events (the scenario's timeline)");
    v.field("guidance_risk", guidance_risk,
            {.unit = "risk units",
             .doc = "risk on Chinese options while US guidance (GP10) is active",
             .source = "cal. s2 [S15]; size assumption",
             .min = 0.0});
    v.field("restrict_risk", restrict_risk,
            {.unit = "risk units",
             .doc = "risk on Chinese options in a country whose stance is restrict",
             .source = "assumption",
             .min = 0.0});
    v.field("retaliation_cost_multiplier", retaliation_cost_multiplier,
            {.unit = "1",
             .doc = "US data-centre build cost multiplier while China's minerals ban is on",
             .source = "assumption from cal. s7 (USGS -$3.4B; Ga/Ge hit power/RF electronics)",
             .min = 1.0,
             .max = 5.0});
    v.field("china_licence_at_start", china_licence_at_start,
            {.doc = "US compliant chips (H20 class) may be sold to China at the start (events switch it)",
             .source = "cal. s3 [S28] (>1M H20 to China in 2024, no licence needed until April 2025)"});
    v.field("compliant_tier2_at_start", compliant_tier2_at_start,
            {.doc = "Tier 2 buyers refused on the cap may buy US compliant chips (H20 class) outside it, at the "
                    "start (events switch it)",
             .source = "derived: H20 TPP 2,368 (cal. s3 [S28]) is below the 3A090.a line of TPP 4,800 that the "
                       "caps cover (cal. s2 [S17])"});
    v.field(
        "compliant_quality", compliant_quality,
        {.unit = "1",
         .doc = "effective compute of a compliant chip per H100e of US price (H20 class against H100)",
         .source = "assumption (cal. s3: H20 ~$12.5k against ~$27.5k for an H100, strong in inference; sweep 0.2-0.9)",
         .min = 0.01,
         .max = 1.0});
    v.field(
        "china_us_penalty", china_us_penalty,
        {.unit = "utils",
         .doc = "disutility of US chips to China's buyers (Beijing's guidance against H20 purchases, security reviews)",
         .source = "assumption (sweep 0-3)",
         .min = 0.0});
    v.field("china_discourage_penalty", china_discourage_penalty,
            {.unit = "utils",
             .doc = "added disutility of US chips to China's buyers while Beijing tells its firms not to buy them "
                    "(event china_discourage_on)",
             .source = "assumption (sweep 0-3); the event: docs/calibration-data.md s.11",
             .min = 0.0});
  }
};

}  // namespace tiersim::models::diffusion
