#pragma once
/// SHA-256 (FIPS 180-4), for file checksums.

#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace migrate::util {

/// A SHA-256 digest as its 32 bytes. Kept per revision file, so held in binary: as a hex
/// string it would cost a heap block of 80 bytes more per file. Shown and compared with
/// checksums read back (journal rows, messages) as 64 lowercase hex characters.
class Sha256Digest {
 public:
  /// No digest (all zero bytes): a file built in code before its checksum is set.
  Sha256Digest() = default;
  explicit Sha256Digest(const std::array<unsigned char, 32>& bytes) : m_bytes(bytes) {}
  /// From 64 hex characters (either case); nullopt for anything else.
  static std::optional<Sha256Digest> from_hex(std::string_view hex);

  std::string hex() const;
  const std::array<unsigned char, 32>& bytes() const { return m_bytes; }
  bool empty() const { return *this == Sha256Digest(); }

  friend bool operator==(const Sha256Digest&, const Sha256Digest&) = default;
  friend bool operator==(const Sha256Digest& digest, std::string_view hex) { return digest.hex() == hex; }
  friend std::ostream& operator<<(std::ostream& out, const Sha256Digest& d) { return out << d.hex(); }

 private:
  std::array<unsigned char, 32> m_bytes{};
};

/// Incremental hashing: update() any number of times, then digest() or hex_digest() once.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  /// Finishes the hash: call one of these once.
  Sha256Digest digest();
  std::string hex_digest() { return digest().hex(); }

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

/// sha256 of `data`; sha256_hex gives it as 64 lowercase hex characters.
Sha256Digest sha256(std::string_view data);
std::string sha256_hex(std::string_view data);

}  // namespace migrate::util
