# Sources of src/toml (paths relative to src/): the one module that includes toml++.
target_sources(migrate_core PRIVATE
  toml/reader.cpp
)
