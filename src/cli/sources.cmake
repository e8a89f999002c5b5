# Sources of src/cli (paths relative to src/).
target_sources(migrate_core PRIVATE
  cli/app.cpp
  cli/signals.cpp
  cli/test_hooks.cpp
)
