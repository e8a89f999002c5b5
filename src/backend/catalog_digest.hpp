#pragma once
/// The one way a backend builds SchemaReader::catalog_digest: a SHA-256 over length-prefixed
/// values (NULL apart from ""), so that no two sequences of values hash the same bytes,
/// starting with what every backend's model also depends on: migrate's version, the model's
/// format and the scope read.

#include <optional>
#include <string>

#include "backend/backend.hpp"
#include "util/sha256.hpp"

namespace migrate::backend {

class CatalogDigest {
 public:
  explicit CatalogDigest(const SchemaScope& scope);
  void add(const std::optional<std::string>& value);
  void add(const Row& row);
  /// 64 lowercase hex characters. Call once.
  std::string finish() { return m_hash.hex_digest(); }

 private:
  util::Sha256 m_hash;
};

}  // namespace migrate::backend
