# Test sources of tests/unit/graph (paths relative to tests/).
target_sources(migrate_unit_tests PRIVATE
  unit/graph/revision_map_test.cpp
  unit/graph/revision_map_large_test.cpp
  unit/graph/revision_map_labels_test.cpp
  unit/graph/stamp_plan_test.cpp
  unit/graph/revision_map_storage_test.cpp
  unit/graph/id_index_test.cpp
)
