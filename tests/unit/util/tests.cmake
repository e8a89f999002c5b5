# Test sources of tests/unit/util (paths relative to tests/).
target_sources(migrate_unit_tests PRIVATE
)
