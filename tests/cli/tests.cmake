# End-to-end CLI tests.
target_sources(migrate_cli_tests PRIVATE
)
