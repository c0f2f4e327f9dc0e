#pragma once
// Experimental designs as pure functions. Sampled designs (LHS, Saltelli, Morris) return
// points of the unit hypercube [0, 1]^k, one row per point; sweep_config maps them onto
// parameter ranges. Randomness comes from Philox streams keyed by the sweep seed, so a
// design is a pure function of (seed, sizes): the same on every machine and process.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace tiersim::sweep {

/// Rows are points, columns parameters.
using UnitPoints = std::vector<std::vector<double>>;

/// Full factorial: every combination of value indices, the first parameter varying slowest
/// (as nested loops written in parameter order). `sizes[j]` values for parameter j.
std::vector<std::vector<std::size_t>> grid_indices(std::span<const std::size_t> sizes);

/// Latin hypercube (McKay, Beckman & Conover 1979): n points in [0,1)^k; in every column
/// each of the n strata [i/n, (i+1)/n) holds exactly one point (random permutation of the
/// strata per column, uniform jitter within the stratum).
UnitPoints latin_hypercube(std::size_t n, std::size_t k, std::uint64_t seed);

/// Saltelli (2010) sampling for first- and total-order Sobol indices: base matrices A and B
/// (n x k) and, for each parameter i, AB_i = A with column i taken from B. n*(k+2) points in
/// SALib's order (calc_second_order=False), sample-major: for sample j the rows
///   j*(k+2) + 0      A_j
///   j*(k+2) + 1 + i  (AB_i)_j    for i = 0..k-1
///   j*(k+2) + k + 1  B_j
/// A and B are independent Philox pseudo-random uniforms, not a Sobol' low-discrepancy
/// sequence (the estimators are unbiased either way; convergence is O(n^-1/2)).
UnitPoints saltelli(std::size_t n, std::size_t k, std::uint64_t seed);

/// Which block of a Saltelli design row `row` belongs to: -1 for A, k for B, i for AB_i.
int saltelli_block(std::size_t row, std::size_t k);

struct MorrisDesign {
  UnitPoints points;                    ///< r*(k+1) rows, trajectory-major
  std::vector<std::size_t> trajectory;  ///< trajectory of each row
};

/// Morris (1991) elementary-effects trajectories on a p-level grid {0, 1/(p-1), ..., 1}:
/// r trajectories of k+1 points each. Step delta = p / (2(p-1)); every trajectory has a
/// random base point, a random order of the parameters and a random direction for each, and
/// consecutive points of a trajectory differ in exactly one coordinate, by +-delta. `levels`
/// must be even and >= 2.
MorrisDesign morris(std::size_t r, std::size_t k, int levels, std::uint64_t seed);

/// delta of a p-level Morris grid.
double morris_delta(int levels);

}  // namespace tiersim::sweep
