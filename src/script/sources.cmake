# Sources of src/script (paths relative to src/).
target_sources(migrate_core PRIVATE
  script/statement_splitter.cpp
)
