// libFuzzer target: bytes as the diffusion model's country table (fuzz/harness.hpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tiersim::fuzz::check_country_table(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
