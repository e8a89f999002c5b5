#pragma once
/// Forwarding header; callers move to sql/effects.hpp (sql::catalog_effect, sql::describe),
/// whose objects are sql::CatalogObject. Until then this converts them to and from the
/// backend's CatalogObject, which src/sql may not depend on.

#include <optional>
#include <string>
#include <string_view>

#include "backend/backend.hpp"
#include "core/dialect.hpp"
#include "sql/effects.hpp"

namespace migrate::script {

struct CatalogEffect {
  backend::CatalogObject object;
  bool expect_present = true;  ///< true: the statement creates it; false: it drops it
};

inline backend::CatalogObject to_backend_object(const sql::CatalogObject& o) {
  using Kind = backend::CatalogObject::Kind;
  Kind kind = Kind::table;
  switch (o.kind) {
    case sql::ObjectKind::table: kind = Kind::table; break;
    case sql::ObjectKind::column: kind = Kind::column; break;
    case sql::ObjectKind::index: kind = Kind::index; break;
    case sql::ObjectKind::constraint: kind = Kind::constraint; break;
  }
  return backend::CatalogObject{kind, o.schema, o.table, o.name};
}

inline sql::CatalogObject to_sql_object(const backend::CatalogObject& o) {
  using Kind = backend::CatalogObject::Kind;
  sql::ObjectKind kind = sql::ObjectKind::table;
  switch (o.kind) {
    case Kind::table: kind = sql::ObjectKind::table; break;
    case Kind::column: kind = sql::ObjectKind::column; break;
    case Kind::index: kind = sql::ObjectKind::index; break;
    case Kind::constraint: kind = sql::ObjectKind::constraint; break;
  }
  return sql::CatalogObject{kind, o.schema, o.table, o.name};
}

/// sql::catalog_effect with the backend's object type.
inline std::optional<CatalogEffect> catalog_effect(std::string_view statement, Dialect dialect) {
  auto effect = sql::catalog_effect(statement, dialect);
  if (!effect) return std::nullopt;
  return CatalogEffect{to_backend_object(effect->object), effect->expect_present};
}

/// sql::describe with the backend's object type.
inline std::string describe(const backend::CatalogObject& object) { return sql::describe(to_sql_object(object)); }

}  // namespace migrate::script
