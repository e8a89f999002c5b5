# Sources of src/backend (paths relative to src/).
target_sources(migrate_core PRIVATE
)
