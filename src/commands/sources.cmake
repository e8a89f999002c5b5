# Sources of src/commands (paths relative to src/).
target_sources(migrate_core PRIVATE
)
