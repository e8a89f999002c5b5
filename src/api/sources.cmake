# Sources of src/api (paths relative to src/).
target_sources(migrate_core PRIVATE
  api/check.cpp
  api/database.cpp
  api/declarative.cpp
  api/drift.cpp
  api/fleet.cpp
  api/rehearsal.cpp
  api/lint.cpp
  api/replay.cpp
  api/schema_repair.cpp
  api/project.cpp
  api/schema.cpp
  api/stairway.cpp
)
target_sources(migrate_core PRIVATE
  api/convert.cpp
  api/migrator.cpp
  api/status.cpp
  api/stop.cpp
)
