# Test sources of tests/unit/script (paths relative to tests/).
target_sources(migrate_unit_tests PRIVATE
  unit/script/revision_file_test.cpp
  unit/script/file_checks_test.cpp
  unit/script/directory_test.cpp
  unit/script/directory_entries_test.cpp
  unit/script/header_cache_test.cpp
  unit/script/revision_writer_test.cpp
  unit/script/templates_test.cpp
)

# tests/unit/sql is listed from here so tests/CMakeLists.txt needs no edit while callers
# move from script/ to sql/; follow-up: include it from tests/CMakeLists.txt directly.
include(unit/sql/tests.cmake)
