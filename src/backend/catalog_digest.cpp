#include "backend/catalog_digest.hpp"

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
  if (value) {
    m_hash.update(std::to_string(value->size()) + ":");
    m_hash.update(*value);
  } else {
    m_hash.update("-");
  }
  m_hash.update("\n");
}

void CatalogDigest::add(const Row& row) {
  for (const auto& value : row) add(value);
}

}  // namespace migrate::backend
