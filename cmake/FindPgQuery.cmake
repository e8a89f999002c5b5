# Finds libpg_query (Debian: libpg-query-dev), PostgreSQL's own parser as a library, and
# defines the imported target PgQuery::PgQuery. Installed with the package so that programs
# linking the static libmigrate find it too.
find_path(PgQuery_INCLUDE_DIR pg_query.h)
find_library(PgQuery_LIBRARY NAMES libpg_query.a pg_query)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(PgQuery REQUIRED_VARS PgQuery_LIBRARY PgQuery_INCLUDE_DIR)
if(PgQuery_FOUND AND NOT TARGET PgQuery::PgQuery)
  find_package(Threads REQUIRED)
  add_library(PgQuery::PgQuery UNKNOWN IMPORTED)
  set_target_properties(PgQuery::PgQuery PROPERTIES
    IMPORTED_LOCATION "${PgQuery_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${PgQuery_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES Threads::Threads)
endif()
