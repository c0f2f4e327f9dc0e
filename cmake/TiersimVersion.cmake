# Reconfigure when the version number changes (project() reads it from this file).
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/analysis/tiersim/VERSION)

# The git SHA is read at configure time and again at every build (a custom target
# rewrites version_info.cpp only when the SHA changes, so nothing rebuilds needlessly).
set(TIERSIM_VERSION_IN ${CMAKE_CURRENT_LIST_DIR}/version_info.cpp.in)
set(TIERSIM_VERSION_OUT ${CMAKE_BINARY_DIR}/generated/version_info.cpp)
add_custom_target(tiersim_version_info
  COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR} -DIN=${TIERSIM_VERSION_IN}
          -DOUT=${TIERSIM_VERSION_OUT} -DVERSION=${PROJECT_VERSION}
          -P ${CMAKE_CURRENT_LIST_DIR}/WriteVersion.cmake
  BYPRODUCTS ${TIERSIM_VERSION_OUT}
  COMMENT "Recording the git SHA")
