#pragma once
/// `migrate repair --schema` (docs/schema.md): the live schema brought to the one its
/// version-table heads should have. The expected schema comes from the replay drift uses, the
/// DDL from the change planner (schema/changes.hpp), and running it from the runtime
/// (runtime/schema_repair.hpp).

#include <migrate/types.hpp>

#include "api/project.hpp"
#include "backend/backend.hpp"
#include "runtime/run_control.hpp"

namespace migrate::api {

/// Plans under the migration lock (unless sql_only: then without one) from the rows read
/// there, runs the plan when asked and there is something to run, and compares again. Armed
/// on `stop` throughout, so a signal also drops the scratch database.
SchemaRepairResult repair_schema(const Project& project, backend::Backend& db, const SchemaRepairOptions& options,
                                 runtime::StopToken& stop);

}  // namespace migrate::api
