#pragma once
/// Revisions written from schemas instead of by hand (docs/schema.md): `baseline` (a base
/// revision holding the live schema of a database adopted as it is) and `revision
/// --autogenerate` (the DDL from the head's schema to the one `schema_file` builds). These
/// work out the two sections' SQL; the `revision` command writes the file.

#include <string>
#include <vector>

#include "api/project.hpp"
#include "backend/backend.hpp"
#include "runtime/run_control.hpp"

namespace migrate::api {

struct GeneratedSections {
  std::string upgrade_sql;
  std::string downgrade_sql;
  /// What the author should know, written as comments at the top of the upgrade section
  /// (a drop and an add that may be a rename, a column PostgreSQL can only append).
  std::vector<std::string> notes;
  bool empty() const { return upgrade_sql.empty(); }
};

/// Builds `text`, the contents of `schema_file`, on the scratch database `scratch` after
/// emptying it: how `revision --autogenerate` and `check` learn the desired schema. A failing
/// statement is Error{database} naming the file and line (where() has them).
void build_schema_file(const config::Config& config, const std::string& text, backend::Backend& scratch);

/// The baseline of `db`: upgrade = the dump of its live schema, downgrade = every object
/// dropped in reverse dependency order. Refuses (Error{usage}) in a project that has
/// revisions already; Error{unsupported_object} as `dump` unless `ignore_unsupported`.
GeneratedSections baseline_sections(const Project& project, backend::Backend& db, bool ignore_unsupported);

/// From the schema of `parents` (the new revision's down revisions, replayed on a scratch
/// database next to `db`) to the one `schema_file` builds on it: upgrade = the change
/// planner's DDL, downgrade = the reverse. Empty when they are equal. Error{config} without
/// `schema_file`; a statement of the file that fails is Error{database} naming the file and
/// line.
GeneratedSections autogenerate_sections(const Project& project, backend::Backend& db,
                                        const std::vector<std::string>& parents, runtime::StopToken& stop);

}  // namespace migrate::api
