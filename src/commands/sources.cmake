# Sources of src/commands (paths relative to src/).
target_sources(migrate_cli PRIVATE
  commands/check.cpp
  commands/drift.cpp
  commands/lint.cpp
  commands/graph.cpp
  commands/dump.cpp
  commands/edit.cpp
  commands/init.cpp
  commands/journal.cpp
  commands/inspect.cpp
  commands/fleet.cpp
  commands/migrate.cpp
  commands/output.cpp
  commands/repair.cpp
  commands/repair_schema.cpp
  commands/revision.cpp
  commands/stairway.cpp
)
