#pragma once
/// The runtime half of `migrate repair --schema` (docs/schema.md): running the DDL that brings
/// the live schema to the expected one, in one transaction, with its journal row. Working out
/// the DDL (the replay on a scratch database, the change planner) is the caller's.

#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "runtime/version_table.hpp"

namespace migrate::runtime {

struct SchemaRepairRun {
  backend::Backend& db;
  VersionTable version_table;            ///< as named on `db`
  std::vector<std::string> schemas;      ///< the schema model's scope, for the fingerprint
  bool foreign_key_check = true;         ///< the configuration's `foreign_key_check`
  std::vector<std::string> rows;         ///< the version-table rows (unchanged by the repair)
};

/// Runs `ddl` statement by statement in one transaction (SQLite: foreign-key enforcement off
/// before BEGIN, `PRAGMA foreign_key_check` of the tables it names before COMMIT, as for a
/// revision) and appends a journal row in the same transaction: direction `repair`, command
/// `repair --schema`, the DDL as the row's stored text, `reason`, and the schema's fingerprint
/// after it. The caller holds the migration lock. A failing statement rolls everything back
/// and throws Error{database} naming it and its line in the DDL. Returns the journal row's id.
long long run_schema_repair(const SchemaRepairRun& run, const std::string& ddl, const std::string& reason);

}  // namespace migrate::runtime
