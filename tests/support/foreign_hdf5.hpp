#pragma once
// An HDF5 file that is not a tiersim file (no root attribute `tiersim_format`), for the
// tests that tiersim refuses it. Link the test with HDF5.
#include <hdf5.h>

#include <filesystem>

namespace tiersim::test {

/// Creates an empty HDF5 file at `path`; false if HDF5 could not.
inline bool write_foreign_hdf5(const std::filesystem::path& path) {
  const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) return false;
  H5Fclose(id);
  return true;
}

}  // namespace tiersim::test
