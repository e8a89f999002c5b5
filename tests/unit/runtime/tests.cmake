# Test sources of tests/unit/runtime (paths relative to tests/).
target_sources(migrate_unit_tests PRIVATE
  support/fake_backend.cpp
  unit/runtime/runner_test.cpp
  unit/runtime/offline_sql_test.cpp
  unit/runtime/concurrency_test.cpp
  unit/runtime/journal_test.cpp
  unit/runtime/runner_safety_test.cpp
  unit/runtime/step_executor_test.cpp
  unit/runtime/validation_test.cpp
)
