# Backend conformance tests.
target_sources(migrate_backend_tests PRIVATE
)
