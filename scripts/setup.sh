#!/usr/bin/env bash
# Install what tiersim needs on Debian 12, if it is missing. As root it runs apt-get;
# otherwise it prints the exact command to run and fails.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config git
  libeigen3-dev libtbb-dev libyaml-cpp-dev libhdf5-dev catch2 librandom123-dev libcli11-dev
  libopenmpi-dev openmpi-bin
  python3 python3-numpy python3-pandas python3-xarray python3-h5py python3-netcdf4
  python3-scipy python3-matplotlib python3-pytest python3-venv
  python3-ipykernel python3-nbclient python3-nbformat  # Jupyter kernel; notebooks run by the tests
  udunits-bin  # udunits2, for the CF check of result files (docs/output-format.md)
  clang libclang-rt-14-dev  # libFuzzer and sanitizer runtimes for the fuzz targets (docs/robustness.md)
  clang-tidy                # function length and complexity checks (scripts/check_code_shape.sh)
)

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
