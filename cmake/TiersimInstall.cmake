# `cmake --install`: the tiersim executable, the engine and model libraries with their
# headers, and a CMake package so that another project can
#   find_package(tiersim) ... target_link_libraries(app PRIVATE tiersim::models)
# (docs/install.md). Headers go to include/tiersim/ and keep their paths, so installed code
# includes them as in this tree: #include "sim/engine/simulation.hpp".
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(TIERSIM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/tiersim)

install(TARGETS tiersim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS tiersim_sim tiersim_models EXPORT tiersimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(_dir sim models)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${_dir}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tiersim/${_dir}
          FILES_MATCHING PATTERN "*.hpp")
endforeach()

install(EXPORT tiersimTargets NAMESPACE tiersim:: DESTINATION ${TIERSIM_INSTALL_CMAKEDIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/tiersimConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/tiersimConfig.cmake
                              INSTALL_DESTINATION ${TIERSIM_INSTALL_CMAKEDIR})
# 0.x: only the same minor version is compatible (the API may change between minors).
write_basic_package_version_file(${CMAKE_BINARY_DIR}/tiersimConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/tiersimConfig.cmake ${CMAKE_BINARY_DIR}/tiersimConfigVersion.cmake
        DESTINATION ${TIERSIM_INSTALL_CMAKEDIR})
