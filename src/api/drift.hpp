#pragma once
/// `migrate drift` (docs/schema.md, "Drift"): the live schema against the schema its
/// version-table heads should have, built by replaying the revision files on a scratch
/// database; with `identify`, every revision replayed once in order, one scratch database
/// walked forward, to find the state the live schema really matches.

#include <migrate/types.hpp>

#include <string>
#include <vector>

#include "api/project.hpp"
#include "backend/backend.hpp"
#include "runtime/run_control.hpp"
#include "schema/diff.hpp"

namespace migrate::api {

/// The report for `db` whose version table holds `rows` (read_known_rows). Stays armed on
/// `stop` from start to end, so a stop request between two replays also ends it, and the
/// scratch database is dropped on every way out. Reads the target only.
DriftReport drift(const Project& project, backend::Backend& db, const std::vector<std::string>& rows,
                  const DriftOptions& options, runtime::StopToken& stop);

/// The same on a scratch database of the caller's (one per fleet worker, kept between its
/// targets: creating a database costs more than a small replay), emptied first.
DriftReport drift_on(const Project& project, backend::Backend& db, const std::vector<std::string>& rows,
                     const DriftOptions& options, runtime::StopToken& stop, backend::ScratchDatabase& scratch);

/// A model difference as the public type, with its one-line text.
SchemaDifference to_public(const schema::Difference& difference);

}  // namespace migrate::api
