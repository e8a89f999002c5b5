# Sources of src/sql (paths relative to src/): the SQL lexer and what reads SQL through it.
# Pure code: no I/O, no third-party libraries; depends on src/core and src/util only.
target_sources(migrate_core PRIVATE
  sql/lexer.cpp
  sql/statements.cpp
  sql/effects.cpp
  sql/keywords.cpp
  sql/normalize.cpp
  sql/sqlite_ddl.cpp
)
