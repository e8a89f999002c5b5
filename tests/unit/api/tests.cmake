# Test sources of tests/unit/api (paths relative to tests/).
target_sources(migrate_unit_tests PRIVATE
  unit/api/check_test.cpp
  unit/api/fleet_test.cpp
  unit/api/migrator_test.cpp
  unit/api/replay_test.cpp
  unit/api/stairway_test.cpp
  unit/api/status_test.cpp
)
