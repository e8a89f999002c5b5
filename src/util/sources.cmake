# Sources of src/util (paths relative to src/).
target_sources(migrate_core PRIVATE
  util/strings.cpp
  util/files.cpp
  util/process_identity.cpp
  util/sha256.cpp
  util/thread_label.cpp
)
