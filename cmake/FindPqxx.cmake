# Finds libpqxx (the C++ client) and libpq's headers, and defines the imported target
# Pqxx::Pqxx. Installed with the package so that programs linking the static libmigrate find
# it too.
#
# Where Debian's static libpqxx.a exists it is linked and libpq itself is not: the backend
# loads libpq with dlopen() on first use (src/backend/postgres/libpq_loader.cpp), so that runs
# that never touch PostgreSQL do not pay for loading libpq and the libraries it pulls in.
# Pqxx_LAZY_LIBPQ says which way was found. Without the archive, both are linked as usual.
find_package(PkgConfig REQUIRED)
pkg_check_modules(PQXX QUIET libpqxx)
pkg_check_modules(PQ QUIET libpq)
find_library(Pqxx_ARCHIVE NAMES libpqxx.a HINTS ${PQXX_LIBRARY_DIRS})
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Pqxx REQUIRED_VARS PQXX_FOUND PQ_FOUND)
if(Pqxx_FOUND AND NOT TARGET Pqxx::Pqxx)
  add_library(Pqxx::Pqxx INTERFACE IMPORTED)
  set_target_properties(Pqxx::Pqxx PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${PQXX_INCLUDE_DIRS};${PQ_INCLUDE_DIRS}")
  if(Pqxx_ARCHIVE)
    set(Pqxx_LAZY_LIBPQ TRUE)
    set_target_properties(Pqxx::Pqxx PROPERTIES
      INTERFACE_LINK_LIBRARIES "${Pqxx_ARCHIVE};${CMAKE_DL_LIBS}")
  else()
    set(Pqxx_LAZY_LIBPQ FALSE)
    find_library(Pqxx_SHARED NAMES pqxx HINTS ${PQXX_LIBRARY_DIRS})
    find_library(Pqxx_LIBPQ NAMES pq HINTS ${PQ_LIBRARY_DIRS})
    set_target_properties(Pqxx::Pqxx PROPERTIES INTERFACE_LINK_LIBRARIES "${Pqxx_SHARED};${Pqxx_LIBPQ}")
  endif()
endif()
