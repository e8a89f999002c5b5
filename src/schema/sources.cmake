# Sources of src/schema (paths relative to src/).
target_sources(migrate_core PRIVATE
  schema/model.cpp
  schema/json.cpp
)
