# Test sources of tests/unit/runtime (paths relative to tests/).
target_sources(migrate_unit_tests PRIVATE
)
