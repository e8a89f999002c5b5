#pragma once
/// SHA-256 (FIPS 180-4), for file checksums.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace migrate::util {

/// Incremental hashing: update() any number of times, then hex_digest() once.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  /// The digest as 64 lowercase hex characters. Finishes the hash: call it once.
  std::string hex_digest();

 private:
  void compress(const unsigned char* block);

  std::array<std::uint32_t, 8> m_state;
  std::array<unsigned char, 64> m_buffer{};
  std::size_t m_buffered = 0;
  std::uint64_t m_length = 0;  // bytes hashed so far
};

/// Uses the CPU's SHA instructions when it has them (x86), else portable code; tests switch
/// with this. Returns whether hardware hashing is now on (false when asked for but absent).
bool set_sha256_hardware(bool enabled);

/// sha256 of `data` as 64 lowercase hex characters.
std::string sha256_hex(std::string_view data);

}  // namespace migrate::util
