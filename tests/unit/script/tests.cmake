# Test sources of tests/unit/script (paths relative to tests/).
target_sources(migrate_unit_tests PRIVATE
  unit/script/statement_splitter_test.cpp
  unit/script/revision_file_test.cpp
  unit/script/directory_test.cpp
  unit/script/revision_writer_test.cpp
  unit/script/templates_test.cpp
  unit/script/effects_test.cpp
)
