#include "api/schema_repair.hpp"

#include <optional>

#include "api/database.hpp"
#include "api/drift.hpp"
#include "api/replay.hpp"
#include "api/schema.hpp"
#include "runtime/schema_repair.hpp"
#include "runtime/version_table.hpp"
#include "schema/changes.hpp"
#include "util/strings.hpp"

namespace migrate::api {
namespace {

std::vector<SchemaChangeInfo> changes_to_public(const std::vector<schema::SchemaChange>& changes) {
  std::vector<SchemaChangeInfo> out;
  for (const auto& c : changes) out.push_back({c.description, c.sql, c.destructive});
  return out;
}

void require_reason(const SchemaRepairOptions& options) {
  if (!options.sql_only && util::trim(options.reason).empty())
    throw Error(ErrorKind::usage, "repair --schema needs --reason TEXT (it is recorded in the journal)",
                "for example: migrate repair --schema --reason \"columns a deploy script never added\"; "
                "--sql prints the DDL without running it");
}

/// Runs the plan and records it; then what drift still finds.
void apply(const Project& project, backend::Backend& db, const schema::Schema& expected,
           const SchemaRepairOptions& options, SchemaRepairResult& result) {
  const auto& config = project.config();
  runtime::SchemaRepairRun run{db, version_table(config, db), config.schemas, config.foreign_key_check, result.heads};
  result.journal_id = runtime::run_schema_repair(run, result.sql, options.reason);
  result.applied = true;
  for (const auto& d : schema::compare(expected, schema_state(config, db).read())) result.remaining.push_back(to_public(d));
}

}  // namespace

SchemaRepairResult repair_schema(const Project& project, backend::Backend& db, const SchemaRepairOptions& options,
                                 runtime::StopToken& stop) {
  require_reason(options);
  runtime::StopToken::Armed armed(stop);
  const auto& config = project.config();
  const auto vt = version_table(config, db);
  std::optional<runtime::MigrationLock> lock;
  if (!options.sql_only)
    lock.emplace(db, vt, options.lock_timeout.value_or(run_settings(config, runtime::Command::upgrade, std::nullopt, false).lock_timeout));
  SchemaRepairResult result;
  result.heads = runtime::read_version_rows(db, vt);
  require_known_rows(project, result.heads);
  const auto live = schema_state(config, db).read();
  const auto expected = expected_schema(project, db, result.heads, options.scratch_url, stop);
  schema::ChangeOptions change_options;
  change_options.allow_destructive = options.allow_destructive;
  const auto plan = schema::plan_changes(live, expected, change_options);
  result.changes = changes_to_public(plan.changes);
  result.skipped = changes_to_public(plan.skipped);
  result.notes = plan.notes;
  result.sql = plan.sql();
  if (options.sql_only || plan.changes.empty()) return result;
  if (stop.requested()) throw Error::interrupted(stop.requested(), "before the schema repair; nothing was changed");
  apply(project, db, expected, options, result);
  return result;
}

}  // namespace migrate::api
