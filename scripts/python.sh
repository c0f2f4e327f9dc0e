#!/usr/bin/env bash
# Print the Python interpreter that has tiersim's analysis dependencies. Debian installs
# python3-h5py & co. for /usr/bin/python3, which may not be the python3 first on PATH.
for py in "${TIERSIM_PYTHON:-}" /usr/bin/python3 python3; do
  [ -n "$py" ] || continue
  if "$py" -c "import numpy, h5py, xarray, pytest" >/dev/null 2>&1; then
    command -v "$py"
    exit 0
  fi
done
echo "no Python with numpy, h5py, xarray and pytest found; run scripts/setup.sh" >&2
exit 1
