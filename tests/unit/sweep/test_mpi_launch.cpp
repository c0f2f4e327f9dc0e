// A build without MPI started by an MPI launcher with several processes refuses the sweep
// (each process would otherwise run all of it) and says how to get a build with MPI.
#include <catch2/catch.hpp>

#include "sim/sweep/mpi_session.hpp"

using tiersim::sweep::launched_without_mpi;

TEST_CASE("A sweep under mpirun without MPI in the build is refused, with the way out", "[sweep][mpi]") {
  const std::string why = launched_without_mpi(false, 4);
  REQUIRE_FALSE(why.empty());
  CHECK(why.find("4 processes") != std::string::npos);
  CHECK(why.find("TIERSIM_WITH_MPI=ON") != std::string::npos);
  CHECK(why.find("--shard") != std::string::npos);
  CHECK(launched_without_mpi(false, 1).empty());  // no launcher, or one process: the sweep runs
  CHECK(launched_without_mpi(true, 4).empty());   // a build with MPI distributes the sweep
}
