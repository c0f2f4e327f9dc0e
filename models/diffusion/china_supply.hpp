#pragma once
// The Chinese suppliers as agents (docs/ODD.md s.7.5): chip firms decide capacity
// (quarterly), exports and price (monthly); clouds decide hardware orders for capacity
// abroad (monthly). Each behaviour can be frozen to its reference path.
#include "models/diffusion/state.hpp"

namespace tiersim::models::diffusion {

/// The firms' and clouds' state at the start of the run.
void init_china(State& s, const DiffusionParams& p);

/// Supply, step 3 of the month: capacity arriving, the quarter's investment, output under
/// the input limits, price, the export allocation, the pools, the clouds' capacity and orders.
void china_supply(State& s, const Env& env);

/// Settlement after the clearing: shipped cloud hardware enters the clouds' pipelines,
/// rented cloud capacity leaves the free stock.
void china_settlement(State& s, const Env& env);

/// Learning: the firms' and clouds' expected requests and the scarcity signals, from the
/// month's requests (both rounds, unmet included).
void learn_chinese_demand(State& s, const Env& env);

/// A firm's input limit in `year`, units/year: its share of the smaller of the logic and
/// HBM limits (scaled).
double firm_input_limit(const ChinaChipParams& c, const ChinaChipFirm& f, int year);

/// Export allocation of one firm, units/month: output y split between foreign requests f
/// (weighted w) and domestic requests d in proportion, never more than asked abroad, and
/// everything China does not ask for may go abroad.
double export_allocation(double y, double f, double d, double w);

/// The investment rule: capacity ordered this quarter (units/year) by a firm holding
/// `held` (in use and in the pipeline) that expects `expected` units/year of requests,
/// with the quarter's q and its target (expected requests plus reserve, up to its limit).
double investment(const ChinaChipParams& c, double held, double q, double target);

}  // namespace tiersim::models::diffusion
