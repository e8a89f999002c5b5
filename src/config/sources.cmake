# Sources of src/config (paths relative to src/).
target_sources(migrate_core PRIVATE
  config/config.cpp
)
