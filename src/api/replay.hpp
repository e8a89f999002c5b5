#pragma once
/// Revisions replayed on a scratch database: how `drift` (and schema repair) learn what a
/// set of heads should look like. The scratch database is a real database of the target's
/// kind (backend.hpp, class Scratch); the revisions run through the same Runner as a real
/// upgrade (same statements, transactions and foreign-key checks), so the schema they build
/// there is the one an `upgrade` builds.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/project.hpp"
#include "backend/backend.hpp"
#include "runtime/runner.hpp"
#include "schema/model.hpp"

namespace migrate::api {

/// Every revision of `map`, in the order `upgrade heads` applies them from an empty database:
/// the order the replays (the stairway test, the rehearsal) take revisions in.
std::vector<std::string> upgrade_order(const graph::RevisionMap& map);

/// The database to replay on: `scratch_url` (or the configuration's `scratch_url`) opened
/// and emptied, else a new temporary database made by the target's backend. Refuses
/// (Error{usage}) a scratch URL that names the target itself or a database of another
/// kind; Error{usage} when the backend cannot make scratch databases.
std::unique_ptr<backend::ScratchDatabase> open_scratch(const config::Config& config, backend::Backend& target,
                                                       const std::string& scratch_url);

/// The schema the version-table rows `heads` should have: the revisions replayed up to them on
/// a scratch database (open_scratch), which is gone when this returns or throws.
schema::Schema expected_schema(const Project& project, backend::Backend& target, const std::vector<std::string>& heads,
                               const std::string& scratch_url, runtime::StopToken& stop);

class Replay {
 public:
  /// `scratch` must outlive the replay. Runs take stop requests through `stop`.
  Replay(const Project& project, backend::Backend& scratch, runtime::StopToken& stop);

  /// Creates `version_table_schema` (PostgreSQL) on the scratch database if it is missing: the
  /// runner expects it, as on the target, and the target's schema list has it. For a tenant
  /// of a fleet, also creates its schema and enters it as a run on the tenant does (so the
  /// revisions' unqualified names land there). Idempotent; the replays call it, and so must
  /// whoever empties the scratch database in between.
  void prepare_schemas();
  /// The scratch database's schema, as the configuration scopes it.
  schema::Schema read();
  /// Upgrades the scratch database from where it is to exactly `heads` (version-table rows;
  /// empty = base) and returns its schema. Throws the runtime's errors when a revision fails.
  schema::Schema upgrade_to(const std::vector<std::string>& heads);

  /// The rows and schema of one state of the walk.
  using Visit = std::function<void(const std::vector<std::string>& rows, const schema::Schema& schema)>;
  /// From an empty scratch database, applies every revision in upgrade order (`upgrade
  /// heads`), one revision per transaction, calling `visit` at base and after each step.
  /// The schema after a step is read in part where the backend can (read_changes).
  void walk(const Visit& visit);

  /// Runs whatever plan `planner` returns (from the scratch database's rows) as `command`
  /// would, one revision per transaction; for callers that choose their own steps, such as
  /// the stairway test's single-revision downgrades. Throws the runtime's errors.
  runtime::RunResult run(const runtime::Planner& planner, runtime::Command command);

  /// The scratch database's schema, exactly as read() returns it, re-reading only what changed
  /// since the last call (SchemaReader::read_schema_since), so that a walk of N revisions does
  /// not read N whole, growing schemas. Valid until the next call.
  const schema::Schema& read_changes();

 private:
  runtime::RunSettings settings(runtime::Command command = runtime::Command::upgrade) const;

  const Project& m_project;
  backend::Backend& m_db;
  runtime::StopToken& m_stop;
  backend::SchemaSnapshot m_snapshot;  ///< the last read_changes
};

}  // namespace migrate::api
