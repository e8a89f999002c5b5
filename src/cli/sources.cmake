# Sources of src/cli (paths relative to src/).
target_sources(migrate_cli PRIVATE
  cli/app.cpp
  cli/signals.cpp
  cli/test_hooks.cpp
)
