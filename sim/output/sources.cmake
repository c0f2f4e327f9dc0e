# Sources of the output module (NcFile, content digests) and the SHA-256 it uses. Included by
# sim/CMakeLists.txt, which adds them to tiersim_sim and links TIERSIM_OUTPUT_LIBRARIES.
# Needs find_package(HDF5 REQUIRED COMPONENTS C HL) first: HDF5::HDF5 alone does not bring
# the high-level (dimension scale) library, hdf5::hdf5_hl does.
set(TIERSIM_OUTPUT_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/nc_file.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../core/sha256.cpp)
set(TIERSIM_OUTPUT_LIBRARIES HDF5::HDF5 hdf5::hdf5_hl)
