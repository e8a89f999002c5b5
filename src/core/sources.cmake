# Sources of src/core (paths relative to src/).
target_sources(migrate_core PRIVATE
  core/error.cpp
)
