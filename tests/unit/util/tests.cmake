# Test sources of tests/unit/util (paths relative to tests/).
target_sources(migrate_unit_tests PRIVATE
  unit/util/strings_test.cpp
  unit/util/files_test.cpp
)
target_sources(migrate_unit_tests PRIVATE
  unit/util/sha256_test.cpp
  unit/util/optional_text_test.cpp
  unit/util/compact_list_test.cpp
)
