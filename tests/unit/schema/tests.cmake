# Test sources of tests/unit/schema (paths relative to tests/).
target_sources(migrate_unit_tests PRIVATE
  unit/schema/model_test.cpp
  unit/schema/diff_test.cpp
  unit/schema/json_test.cpp
  unit/schema/render_test.cpp
  unit/schema/changes_test.cpp
)
