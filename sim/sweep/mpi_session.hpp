#pragma once
// MPI, when the build has it (TIERSIM_WITH_MPI) and the process was started by mpirun with
// several ranks. Rank 0 owns the output file and hands out run indices on request; the
// other ranks compute runs and send their data back (mpi_ensemble.hpp).
#include <memory>
#include <string>

namespace tiersim::sweep {

class MpiSession {
 public:
  /// Initialise MPI if this process was launched by an MPI launcher (and the build has
  /// MPI); nullptr otherwise.
  static std::unique_ptr<MpiSession> start_if_launched();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  ~MpiSession();  ///< MPI_Finalize
  int rank() const { return rank_; }
  int size() const { return size_; }
  /// Several ranks share the sweep.
  bool distributed() const { return size_ > 1; }
  /// End every rank (after an error on one of them, the others would wait forever).
  [[noreturn]] void abort(int exit_code) const;

 private:
  MpiSession(int rank, int size) : rank_(rank), size_(size) {}
  int rank_ = 0;
  int size_ = 1;
};

/// True if this build can distribute sweeps over MPI ranks (TIERSIM_WITH_MPI).
bool mpi_available();
/// This process's rank as told by an MPI launcher's environment (0 if not launched by one).
/// A build without MPI started with `mpirun -np N` uses it to leave the sweep to rank 0.
int launcher_rank();
/// The number of processes an MPI launcher started, as told by its environment (1 if not
/// launched by one).
int launcher_size();
/// Why a sweep must not start: this build has no MPI (`mpi_available`) yet a launcher
/// started `launcher_size` > 1 processes, each of which would run the whole sweep. Empty
/// if it may start.
std::string launched_without_mpi(bool mpi_available, int launcher_size);

}  // namespace tiersim::sweep
