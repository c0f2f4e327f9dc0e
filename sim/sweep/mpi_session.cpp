#include "sim/sweep/mpi_session.hpp"

#include <algorithm>
#include <cstdlib>

#include "sim/core/error.hpp"

#ifdef TIERSIM_WITH_MPI
#include <mpi.h>
#endif

namespace tiersim::sweep {

bool mpi_available() {
#ifdef TIERSIM_WITH_MPI
  return true;
#else
  return false;
#endif
}

int launcher_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"}) {
    if (const char* v = std::getenv(name)) return std::atoi(v);
  }
  return 0;
}

int launcher_size() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"}) {
    if (const char* v = std::getenv(name)) return std::max(1, std::atoi(v));
  }
  return 1;
}

std::string launched_without_mpi(bool mpi_available, int launcher_size) {
  if (mpi_available || launcher_size <= 1) return {};
  return "started by an MPI launcher with " + std::to_string(launcher_size) +
         " processes, but this tiersim was built without MPI, so each would run the whole sweep; "
         "install Open MPI (libopenmpi-dev) and rebuild (the release preset enables MPI when CMake finds it, "
         "or configure with -DTIERSIM_WITH_MPI=ON), or run the sweep without mpirun (or with --shard i/N per "
         "process, then `tiersim merge`)";
}

std::unique_ptr<MpiSession> MpiSession::start_if_launched() {
#ifdef TIERSIM_WITH_MPI
  // Only under a launcher: a plain `tiersim sweep` must not need an MPI runtime.
  const bool launched = std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr ||
                        std::getenv("PMIX_RANK") != nullptr;
  if (!launched) return nullptr;
  int provided = 0;
  // MPI calls come only from the main thread; TBB workers never call MPI.
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    throw RuntimeFailure("MPI_Init_thread failed");
  }
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return std::unique_ptr<MpiSession>(new MpiSession(rank, size));
#else
  return nullptr;
#endif
}

MpiSession::~MpiSession() {
#ifdef TIERSIM_WITH_MPI
  MPI_Finalize();
#endif
}

void MpiSession::abort(int exit_code) const {
#ifdef TIERSIM_WITH_MPI
  MPI_Abort(MPI_COMM_WORLD, exit_code);
#endif
  std::_Exit(exit_code);
}

}  // namespace tiersim::sweep
