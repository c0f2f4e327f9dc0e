#!/usr/bin/env bash
# Install the Debian 12 packages that a command needs, if they are missing. As root it runs
# apt-get; otherwise it prints the exact command to run and fails.
#   scripts/setup.sh run     what ./run.sh needs: build the Release binary, run the
#                            experiment and its analysis
#   scripts/setup.sh test    what ./test.sh needs: the above plus the test suite, the
#                            code-shape check and the robustness jobs
#   scripts/setup.sh [all]   everything (the default)
#   scripts/setup.sh --print run|test|all   list the packages, one a line, and install nothing
set -euo pipefail

# ./run.sh: build the Release binary, run sweeps, analyse them (analysis/).
run_packages=(
  cmake ninja-build g++ pkg-config git  # git: the version's git SHA (cmake/WriteVersion.cmake)
  libeigen3-dev libtbb-dev libyaml-cpp-dev libhdf5-dev zlib1g-dev librandom123-dev libcli11-dev
  python3 python3-numpy python3-pandas python3-xarray python3-h5py python3-netcdf4
  python3-scipy python3-matplotlib
)
# ./test.sh, in addition to the above.
test_packages=(
  catch2                             # the C++ unit tests (tests/CMakeLists.txt)
  libopenmpi-dev openmpi-bin         # the `ci` preset builds with MPI; the mpirun test
  python3-pytest python3-venv        # pytest suites; the editable install test (analysis/tests)
  python3-ipykernel python3-nbclient python3-nbformat  # Jupyter kernel; notebooks run by the tests
  udunits-bin  # udunits2, for the CF check of result files (docs/output-format.md)
  clang libclang-rt-14-dev  # libFuzzer and sanitizer runtimes for the fuzz targets (docs/robustness.md)
  clang-tidy clang-format   # function length, complexity and formatting (scripts/check_code_shape.sh)
)

print=0
if [ "${1:-}" = "--print" ]; then
  print=1
  shift
fi
case "${1:-all}" in
  run) packages=("${run_packages[@]}") ;;
  test | all) packages=("${run_packages[@]}" "${test_packages[@]}") ;;
  *)
    echo "setup: unknown command '$1' (expected run, test or all)" >&2
    exit 2
    ;;
esac
if [ "$print" -eq 1 ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

cmd="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: missing Debian packages: ${missing[*]}" >&2
  echo "setup: run as root:  sudo sh -c '$cmd'" >&2
  exit 1
fi
