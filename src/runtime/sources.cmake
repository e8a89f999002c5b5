# Sources of src/runtime (paths relative to src/).
target_sources(migrate_core PRIVATE
  runtime/offline_writer.cpp
  runtime/plan_check.cpp
  runtime/run_control.cpp
  runtime/session_timeouts.cpp
  runtime/statement_error.cpp
  runtime/step_executor.cpp
  runtime/foreign_keys.cpp
  runtime/journal.cpp
  runtime/repair.cpp
  runtime/runner.cpp
  runtime/schema_repair.cpp
  runtime/schema_state.cpp
  runtime/validation.cpp
  runtime/version_table.cpp
)
