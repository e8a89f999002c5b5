# Sources of src/runtime (paths relative to src/).
target_sources(migrate_core PRIVATE
  runtime/runner.cpp
)
