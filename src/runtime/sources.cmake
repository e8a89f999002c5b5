# Sources of src/runtime (paths relative to src/).
target_sources(migrate_core PRIVATE
  runtime/interrupt.cpp
  runtime/journal.cpp
  runtime/repair.cpp
  runtime/runner.cpp
  runtime/validation.cpp
  runtime/version_table.cpp
)
