#include "backend/catalog_digest.hpp"

#include <charconv>
#include <string_view>

namespace migrate::backend {

CatalogDigest::CatalogDigest(const SchemaScope& scope) {
  add(std::string("migrate " MIGRATE_VERSION " ") + schema::k_format);
  add(std::to_string(scope.schemas.size()));
  for (const auto& name : scope.schemas) add(name);
  for (const auto& name : scope.excluded) {
    add(name.schema);
    add(name.name);
  }
}

void CatalogDigest::add(const std::optional<std::string>& value) {
  if (!value) {
    m_hash.update("-\n");
    return;
  }
  // The length prefix without a string of its own: a digest hashes every catalog row.
  char prefix[24];
  auto end = std::to_chars(prefix, prefix + sizeof prefix - 1, value->size()).ptr;
  *end++ = ':';
  m_hash.update(std::string_view(prefix, static_cast<std::size_t>(end - prefix)));
  m_hash.update(*value);
  m_hash.update("\n");
}

void CatalogDigest::add(const Row& row) {
  for (const auto& value : row) add(value);
}

}  // namespace migrate::backend
