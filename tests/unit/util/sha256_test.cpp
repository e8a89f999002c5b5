#include "util/sha256.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace migrate::util {
namespace {

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex("The quick brown fox jumps over the lazy dog"),
            "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592");
}

TEST(Sha256Test, MillionAs) {
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, BlockBoundaryLengths) {
  // 55, 56 and 64 bytes exercise the padding edge cases.
  EXPECT_EQ(sha256_hex(std::string(55, 'a')), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(sha256_hex(std::string(56, 'a')), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(sha256_hex(std::string(64, 'a')), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(Sha256Test, PortableAndHardwarePathsAgree) {
  std::string data(4099, 'x');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 131 % 251);
  set_sha256_hardware(false);
  const std::string portable = sha256_hex(data);
  const std::string portable_abc = sha256_hex("abc");
  const bool hardware = set_sha256_hardware(true);
  EXPECT_EQ(sha256_hex(data), portable) << "hardware path: " << hardware;
  EXPECT_EQ(portable_abc, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  for (std::size_t n : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 1000u}) {
    set_sha256_hardware(false);
    const std::string a = sha256_hex(data.substr(0, n));
    set_sha256_hardware(true);
    EXPECT_EQ(sha256_hex(data.substr(0, n)), a) << n;
  }
}

TEST(Sha256Test, IncrementalUpdatesMatchOneShot) {
  std::string data(1000, 'x');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 26);
  Sha256 h;
  for (std::size_t i = 0; i < data.size(); i += 37) h.update(std::string_view(data).substr(i, 37));
  EXPECT_EQ(h.hex_digest(), sha256_hex(data));
}

}  // namespace
}  // namespace migrate::util

namespace migrate::util {
namespace {

TEST(Sha256DigestTest, HexRoundTripsAndComparesWithHexText) {
  const std::string hex = sha256_hex("abc");
  const auto parsed = Sha256Digest::from_hex(hex);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, sha256("abc"));
  EXPECT_EQ(parsed->hex(), hex);
  EXPECT_TRUE(sha256("abc") == std::string_view(hex));
  EXPECT_FALSE(sha256("abd") == std::string_view(hex));
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(Sha256Digest::from_hex(upper), parsed);
}

TEST(Sha256DigestTest, AnythingButSixtyFourHexCharactersIsRefused) {
  const std::string hex = sha256_hex("abc");
  EXPECT_FALSE(Sha256Digest::from_hex(hex.substr(1)));
  EXPECT_FALSE(Sha256Digest::from_hex(hex + "0"));
  EXPECT_FALSE(Sha256Digest::from_hex("g" + hex.substr(1)));
  EXPECT_FALSE(Sha256Digest::from_hex(""));
  EXPECT_TRUE(Sha256Digest().empty());
  EXPECT_FALSE(sha256("").empty());
}

}  // namespace
}  // namespace migrate::util
