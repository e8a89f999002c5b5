# MIGRATE_SANITIZE: sanitizers compiled into every target of this build, as a comma-separated
# list for -fsanitize= (e.g. -DMIGRATE_SANITIZE=address,undefined). Any finding aborts the
# process (-fno-sanitize-recover=all), so a test that triggers one fails. Empty: none.
# scripts/sanitize.sh builds and runs the unit and backend suites this way.
set(MIGRATE_SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. address,undefined (empty: none)")

if(MIGRATE_SANITIZE)
  string(REPLACE "," ";" migrate_sanitizers "${MIGRATE_SANITIZE}")
  foreach(sanitizer IN LISTS migrate_sanitizers)
    if(NOT sanitizer MATCHES "^(address|undefined|leak|thread|pointer-compare|pointer-subtract)$")
      message(FATAL_ERROR "MIGRATE_SANITIZE: unknown sanitizer '${sanitizer}' (known: address, undefined, leak, thread)")
    endif()
  endforeach()
  if("address" IN_LIST migrate_sanitizers AND "thread" IN_LIST migrate_sanitizers)
    message(FATAL_ERROR "MIGRATE_SANITIZE: address and thread cannot be combined")
  endif()
  # Frame pointers keep the reports' stack traces whole in optimized builds.
  add_compile_options(-fsanitize=${MIGRATE_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${MIGRATE_SANITIZE})
  message(STATUS "Sanitizers (MIGRATE_SANITIZE): ${MIGRATE_SANITIZE}")
endif()
