# Sources of src/graph (paths relative to src/).
target_sources(migrate_core PRIVATE
  graph/revision_map.cpp
  graph/resolve.cpp
  graph/planning.cpp
  graph/plan.cpp
)
