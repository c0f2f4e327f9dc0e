// SHA-256 against the FIPS 180-4 / NIST CAVS example vectors.
#include <catch2/catch.hpp>

#include <string>

#include "sim/core/sha256.hpp"

using tiersim::Sha256;
using tiersim::sha256_hex;

TEST_CASE("sha256 matches the NIST example vectors", "[sha256]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                   "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu") ==
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST_CASE("sha256 of one million 'a'", "[sha256]") {
  const std::string expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  CHECK(sha256_hex(std::string(1'000'000, 'a')) == expected);

  // The same message in uneven pieces exercises the partial-block buffering.
  Sha256 hasher;
  const std::string piece(997, 'a');
  std::size_t fed = 0;
  while (fed + piece.size() <= 1'000'000) {
    hasher.update(piece);
    fed += piece.size();
  }
  hasher.update(std::string(1'000'000 - fed, 'a'));
  CHECK(hasher.hex_digest() == expected);
}

TEST_CASE("sha256 padding boundaries and reuse", "[sha256]") {
  // Lengths around the 55/56/64-byte padding edges, fed whole and byte by byte.
  for (std::size_t len : {55u, 56u, 63u, 64u, 65u, 119u, 120u, 128u}) {
    const std::string message(len, 'x');
    Sha256 bytewise;
    for (char c : message) bytewise.update(std::string_view(&c, 1));
    CHECK(bytewise.hex_digest() == sha256_hex(message));
  }
  Sha256 hasher;
  hasher.update("abc");
  CHECK(hasher.hex_digest() == sha256_hex("abc"));
  // hex_digest() resets the state, so the object hashes a fresh message next.
  CHECK(hasher.hex_digest() == sha256_hex(""));
  hasher.update(std::as_bytes(std::span(std::string_view("abc"))));
  CHECK(hasher.hex_digest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
