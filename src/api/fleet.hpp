#pragma once
/// Fleets (docs/fleets.md): where a `[targets.NAME]` section's targets come from, and the
/// scheduler that runs one piece of work per target: canaries one at a time, then up to N
/// at once, a failure budget after which nothing new starts, and a stop request that
/// reaches the targets running. What a target's work is (an upgrade, a read) is the
/// caller's; this module knows no command.

#include <migrate/types.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "runtime/run_control.hpp"

namespace migrate::api {

/// One target: a whole database, or one schema of a database (schema-per-tenant).
struct FleetTarget {
  std::string name;    ///< as shown: the schema, or the URL without its password
  std::string url;     ///< expanded; shown only through the redactor
  std::string schema;  ///< the tenant's schema; "" for a whole database
};

/// The section `name` of `config` (Error{config} naming the known sections when there is
/// none) and its targets in the order listed or returned: the `urls`, the rows of `query`
/// on its `control_url`, or the schemas `schemas_query` returns on its database
/// (control_url, else the selected database URL; PostgreSQL only). Throws Error{config} for
/// a target listed twice or a query row that is NULL or empty, Error{database} when a query
/// fails.
std::vector<FleetTarget> resolve_targets(const config::Config& config, const std::string& name);

/// `base` for one target: its URL, its version table's schema ({schema} replaced), its
/// tenant_schema, the schema model's scope (the tenant's schema, unless `schemas` is set) and no
/// dump_after_upgrade (one file cannot hold every target's schema).
config::Config target_config(const config::Config& base, const config::TargetSet& set, const FleetTarget& target);

/// A PostgreSQL session's user, settings and temporary tables back to a new session's: what
/// a worker's connection runs after a tenant whose revisions ran (they may have set a role
/// or a setting, or left a temporary table), before its next tenant's reads. Statements
/// meant to be sent as one query (Backend::execute), outside a transaction.
std::string reset_session_sql();

/// What a session runs before a tenant's revisions: reset_session_sql(), and the tenant's
/// schema first in the path (its revisions name their tables unqualified; what `public`
/// holds, extensions, still resolves). One query, outside a transaction.
std::string enter_tenant_sql(Dialect dialect, const std::string& tenant_schema);

/// The work of one target on worker `slot` (0 to concurrency - 1; a slot runs one target at
/// a time, so it may keep a connection between its targets). Returns the target's result;
/// an exception escaping it is recorded as the target's failure.
using TargetWork = std::function<TargetResult(const FleetTarget& target, std::size_t slot)>;

/// Runs `work` for every target as `options` says (canary, concurrency, max_failures; each
/// checked: Error{usage} for a value below its minimum). `stop` is the run's token, armed
/// here for the whole fleet: once it holds a request, no new target starts and
/// `forward_stop(signal)` is called once so that the running targets stop too. `observer`
/// (may be null) hears of each finished target on this thread. Results keep the targets'
/// order; targets never started are not_started.
FleetResult schedule_fleet(const std::vector<FleetTarget>& targets, const FleetOptions& options, const TargetWork& work,
                           runtime::StopToken& stop, const std::function<void(int)>& forward_stop,
                           FleetObserver* observer);

}  // namespace migrate::api
