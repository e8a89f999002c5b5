# Sources of src/graph (paths relative to src/).
target_sources(migrate_core PRIVATE
)
