# Sources of src/script (paths relative to src/).
target_sources(migrate_core PRIVATE
  script/revision_file.cpp
  script/file_checks.cpp
  script/directory.cpp
  script/header_cache.cpp
  script/templates.cpp
  script/revision_writer.cpp
)

# Every file under templates/ is compiled into the binary, so an installed `migrate` needs no
# data folder (ARCHITECTURE.md). The header is written at configure time; the glob and
# the file list are configure dependencies, so adding or editing a template re-runs CMake.
set(MIGRATE_TEMPLATE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/../templates)
file(GLOB_RECURSE MIGRATE_TEMPLATE_FILES CONFIGURE_DEPENDS LIST_DIRECTORIES false ${MIGRATE_TEMPLATE_DIR}/*)
list(SORT MIGRATE_TEMPLATE_FILES)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${MIGRATE_TEMPLATE_FILES})

set(embedded "// Generated from templates/ by src/script/sources.cmake; do not edit.\n#pragma once\n\n")
string(APPEND embedded "#include <cstddef>\n\nnamespace migrate::script::embedded {\n\n")
string(APPEND embedded "struct File {\n  const char* path;  // relative to templates/, '/' separated\n")
string(APPEND embedded "  const unsigned char* data;\n  std::size_t size;\n};\n\n")
set(index 0)
set(table "")
foreach(template_file IN LISTS MIGRATE_TEMPLATE_FILES)
  file(RELATIVE_PATH relative ${MIGRATE_TEMPLATE_DIR} ${template_file})
  file(READ ${template_file} hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  # A trailing 0 keeps empty files valid C++ (no zero-length arrays); `size` excludes it.
  string(APPEND embedded "inline constexpr unsigned char k_file_${index}[] = {${bytes}0x00};\n")
  string(APPEND table "    {\"${relative}\", k_file_${index}, ${size}},\n")
  math(EXPR index "${index} + 1")
endforeach()
string(APPEND embedded "\ninline constexpr File k_files[] = {\n${table}    {nullptr, nullptr, 0},\n};\n\n")
string(APPEND embedded "}  // namespace migrate::script::embedded\n")
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/script/embedded_templates.hpp.new "${embedded}")
file(COPY_FILE ${CMAKE_CURRENT_BINARY_DIR}/script/embedded_templates.hpp.new
     ${CMAKE_CURRENT_BINARY_DIR}/script/embedded_templates.hpp ONLY_IF_DIFFERENT)
