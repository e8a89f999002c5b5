# Test sources of tests/unit/config (paths relative to tests/).
target_sources(migrate_unit_tests PRIVATE
  unit/config/config_test.cpp
)
