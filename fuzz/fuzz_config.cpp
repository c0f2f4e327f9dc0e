// libFuzzer target: bytes as a run config (fuzz/harness.hpp). Build with the `fuzz` preset.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tiersim::fuzz::check_config(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
