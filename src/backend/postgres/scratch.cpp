// Scratch databases on PostgreSQL: databases created on the same server (backend.hpp, class
// Scratch).
#include <spdlog/spdlog.h>

#include "backend/postgres/postgres_backend.hpp"
#include "util/process_identity.hpp"

namespace migrate::backend::postgres {
namespace {

/// 42501 insufficient_privilege: the role lacks CREATEDB.
bool lacks_privilege(const DatabaseError& e) { return e.details().sqlstate == "42501"; }

}  // namespace

std::unique_ptr<ScratchDatabase> PostgresBackend::create_scratch() {
  const std::string name = "migrate_scratch_" + util::unique_tag();
  try {
    // template0: a clean database, whatever a site added to template1.
    execute("CREATE DATABASE " + name + " TEMPLATE template0");
  } catch (const DatabaseError& e) {
    throw Error(ErrorKind::database,
                "could not create a scratch database on " + describe() + " to replay the revisions on: " +
                    e.details().server_message,
                lacks_privilege(e) ? "grant CREATEDB to the role (ALTER ROLE ... CREATEDB), or name a database that "
                                     "may be emptied with --scratch-url or scratch_url in [database]"
                                   : "name a database that may be emptied with --scratch-url or scratch_url in "
                                     "[database]");
  }
  const bool force = std::stoi(query("SHOW server_version_num").at(0).at(0).value_or("0")) >= 130000;
  auto drop = [this, name, force] {
    execute("DROP DATABASE IF EXISTS " + name + (force ? " WITH (FORCE)" : ""));
    spdlog::debug("dropped the scratch database {}", name);
  };
  std::unique_ptr<Backend> db;
  try {
    db = std::make_unique<PostgresBackend>(with_database(m_url, name));
  } catch (...) {
    drop();
    throw;
  }
  return std::make_unique<ScratchDatabase>(std::move(db), "temporary database " + name + " on the same server",
                                           std::move(drop));
}

void PostgresBackend::drop_all_objects() {
  auto schemas = query(
      "SELECT pg_catalog.quote_ident(nspname) FROM pg_catalog.pg_namespace WHERE nspname NOT IN ('pg_catalog', "
      "'information_schema', 'pg_toast') AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE "
      "'pg\\_toast\\_temp\\_%' ORDER BY nspname");
  for (const auto& row : schemas)
    if (!row.empty() && row[0]) execute("DROP SCHEMA " + *row[0] + " CASCADE");
  execute("CREATE SCHEMA public");
}

}  // namespace migrate::backend::postgres
