#include "sim/sweep/mpi_ensemble.hpp"

#include <stdexcept>

#ifdef TIERSIM_WITH_MPI
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "sim/core/error.hpp"
#endif

namespace tiersim::sweep {

#ifdef TIERSIM_WITH_MPI
namespace {

constexpr int kTagReady = 1;
constexpr int kTagRun = 2;
constexpr int kTagStop = 3;
constexpr int kTagResult = 4;

std::vector<char> pack(std::size_t run, const RunOutcome& o) {
  std::size_t bytes = 9;
  if (o.ok) {
    for (const auto& v : o.data.vars) bytes += v.size() * sizeof(double);
    bytes += o.data.summaries.size() * sizeof(double);
  } else {
    bytes += o.error.size();
  }
  std::vector<char> buf(bytes);
  const auto r = static_cast<std::uint64_t>(run);
  std::memcpy(buf.data(), &r, 8);
  buf[8] = o.ok ? 1 : 0;
  char* p = buf.data() + 9;
  auto put = [&p](const void* data, std::size_t n) {
    if (n > 0) std::memcpy(p, data, n);
    p += n;
  };
  if (o.ok) {
    for (const auto& v : o.data.vars) put(v.data(), v.size() * sizeof(double));
    put(o.data.summaries.data(), o.data.summaries.size() * sizeof(double));
  } else {
    put(o.error.data(), o.error.size());
  }
  return buf;
}

std::pair<std::size_t, RunOutcome> unpack(const std::vector<char>& buf, const output::Layout& layout) {
  std::uint64_t run = 0;
  std::memcpy(&run, buf.data(), 8);
  RunOutcome o;
  o.ok = buf[8] == 1;
  const char* p = buf.data() + 9;
  if (!o.ok) {
    o.error.assign(p, buf.data() + buf.size());
    return {static_cast<std::size_t>(run), std::move(o)};
  }
  std::size_t expected = layout.summaries.size();
  for (const auto& v : layout.vars) expected += v.size();
  if (buf.size() - 9 != expected * sizeof(double)) {
    throw RuntimeFailure("MPI: run " + std::to_string(run) + ": result has the wrong size");
  }
  for (const auto& v : layout.vars) {
    std::vector<double> values(v.size());
    std::memcpy(values.data(), p, v.size() * sizeof(double));
    p += v.size() * sizeof(double);
    o.data.vars.push_back(std::move(values));
  }
  o.data.summaries.resize(layout.summaries.size());
  std::memcpy(o.data.summaries.data(), p, layout.summaries.size() * sizeof(double));
  return {static_cast<std::size_t>(run), std::move(o)};
}

}  // namespace

void mpi_dispatch(const MpiSession& session, const std::vector<std::size_t>& todo, const output::Layout& layout,
                  const std::function<bool()>& stop, const RecordOutcome& record) {
  std::size_t next = 0;
  int active = session.size() - 1;
  while (active > 0) {
    MPI_Status status;
    MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
    int bytes = 0;
    MPI_Get_count(&status, MPI_BYTE, &bytes);
    std::vector<char> buf(static_cast<std::size_t>(std::max(bytes, 0)));
    MPI_Recv(buf.data(), bytes, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (status.MPI_TAG == kTagResult) {
      auto [run, outcome] = unpack(buf, layout);
      record(run, std::move(outcome));
    }
    if (next < todo.size() && !stop()) {
      const auto run = static_cast<std::uint64_t>(todo[next++]);
      MPI_Send(&run, 1, MPI_UINT64_T, status.MPI_SOURCE, kTagRun, MPI_COMM_WORLD);
    } else {
      const std::uint64_t none = 0;
      MPI_Send(&none, 1, MPI_UINT64_T, status.MPI_SOURCE, kTagStop, MPI_COMM_WORLD);
      --active;
    }
  }
}

void mpi_work(const Sweep& sweep, const output::Layout& layout, const engine::Executor& exec) {
  MPI_Send(nullptr, 0, MPI_BYTE, 0, kTagReady, MPI_COMM_WORLD);
  for (;;) {
    std::uint64_t run = 0;
    MPI_Status status;
    MPI_Recv(&run, 1, MPI_UINT64_T, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
    if (status.MPI_TAG == kTagStop) return;
    const RunOutcome o = exec.run([&] { return execute_run(sweep, static_cast<std::size_t>(run), layout, exec); });
    const std::vector<char> buf = pack(static_cast<std::size_t>(run), o);
    MPI_Send(buf.data(), static_cast<int>(buf.size()), MPI_BYTE, 0, kTagResult, MPI_COMM_WORLD);
  }
}

#else

// Without MPI no MpiSession exists, so nothing can ask for a distributed sweep.
void mpi_dispatch(const MpiSession&, const std::vector<std::size_t>&, const output::Layout&,
                  const std::function<bool()>&, const RecordOutcome&) {
  throw std::logic_error("mpi_dispatch: this build has no MPI");
}

void mpi_work(const Sweep&, const output::Layout&, const engine::Executor&) {
  throw std::logic_error("mpi_work: this build has no MPI");
}

#endif

}  // namespace tiersim::sweep
