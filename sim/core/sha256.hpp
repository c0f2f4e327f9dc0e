#pragma once
// SHA-256 (FIPS 180-4), written from scratch so that result digests need no crypto library.
// Used to fingerprint the scientific content of output files (output::content_digest).
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tiersim {

class Sha256 {
 public:
  Sha256();

  void update(std::span<const std::byte> data);
  void update(std::string_view data);

  /// Lowercase hex of the digest. Finalizes: the object is reset afterwards, so it can be
  /// reused for a new message.
  std::string hex_digest();

 private:
  void process_block(const std::uint8_t* block);
  void reset();

  std::array<std::uint32_t, 8> state_{};
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;       // bytes in buffer_
  std::uint64_t total_bytes_ = 0;  // message length so far
};

/// SHA-256 of `data` as lowercase hex.
std::string sha256_hex(std::string_view data);

}  // namespace tiersim
