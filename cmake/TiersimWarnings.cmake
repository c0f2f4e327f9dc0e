# Project-wide warning and sanitizer flags, applied through an interface target so that
# third-party code found with find_package is never compiled with them.
add_library(tiersim_warnings INTERFACE)
add_library(tiersim::warnings ALIAS tiersim_warnings)
target_compile_options(tiersim_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wdouble-promotion -Wformat=2)
# GCC 12 reports -Wrestrict false positives inside libstdc++'s std::string operator+ at -O3
# (GCC bug 105329); project code is still checked by the other warnings.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(tiersim_warnings INTERFACE -Wno-restrict)
endif()
if(TIERSIM_WERROR)
  target_compile_options(tiersim_warnings INTERFACE -Werror)
endif()
if(TIERSIM_CHECKS OR CMAKE_BUILD_TYPE STREQUAL "Debug")
  target_compile_definitions(tiersim_warnings INTERFACE TIERSIM_CHECKS=1)
endif()
if(TIERSIM_SANITIZE)
  target_compile_options(tiersim_warnings INTERFACE -fsanitize=${TIERSIM_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(tiersim_warnings INTERFACE -fsanitize=${TIERSIM_SANITIZE})
endif()
