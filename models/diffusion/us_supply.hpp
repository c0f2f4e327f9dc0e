#pragma once
// The US side's decisions (docs/ODD.md s.7.8): the chip vendors' packaging capacity and
// output, and the gatekeepers' capex. Each can be frozen to its v1 reference path.
#include "models/diffusion/state.hpp"

namespace tiersim::models::diffusion {

/// A vendor's packaging ceiling in `year` from the dated CoWoS supply, H100e/year.
double vendor_ceiling(const VendorCapacityParams& c, std::size_t vendor, int year);

/// The v1 reference output path of a vendor in `year` (frozen capacity), H100e/year.
double vendor_reference_output(const VendorParams& v, std::size_t vendor, int year);

/// Vendors at the start: 2025 capacity, empty pipelines, orders expected at the 2025 output.
void init_vendors(State& s, const DiffusionParams& p);

/// supply: capacity arriving, output = min(capacity, ceiling), the scarcity price, and the
/// month's capacity decision (adaptive).
void vendor_supply(State& s, const Env& env);

/// The vendors' fill of each market's orders when `output` is shared out by weight: every
/// market gets fill = min(1, lambda x weight), with lambda such that the fills ship all of
/// `output` (or every order, if output suffices). Markets without orders get 1.
MarketArray allocate_output(double output, const MarketArray& orders, const MarketArray& weight);

/// The vendors' allocation weights this month: priority x (market price / base price)^e.
MarketArray allocation_weights(const Vendors& v, const VendorAllocationParams& a);

/// learning: each market's unfilled share and the month's orders by market (next month's
/// markups and mean price).
void learn_market_scarcity(State& s);

/// learning: the vendors' expected orders from the month's orders (both rounds).
void learn_vendor_orders(State& s, const Env& env);

/// allocation, at a quarter's start: the gatekeepers' capex decision for the quarter
/// (gk.plan), from expected requests, free capacity and the build pipeline.
void decide_gatekeeper_capex(State& s, const Env& env);

/// A gatekeeper's orders in month `ym`, H100e/month: the announced path while committed
/// or frozen, else the quarter's decision.
double gatekeeper_month_orders(const State& s, const Env& env, std::size_t k, const time::YearMonth& ym);

/// learning: the gatekeepers' expected requests from the month's US_cloud requests and the
/// capacity Tier 3 firms rented (leakage).
void learn_cloud_requests(State& s, const Env& env);

}  // namespace tiersim::models::diffusion
