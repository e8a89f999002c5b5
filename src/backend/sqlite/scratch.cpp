// Scratch databases on SQLite: temporary files (backend.hpp, class Scratch).
#include <filesystem>
#include <system_error>

#include "backend/sqlite/sqlite_backend.hpp"
#include "sql/keywords.hpp"
#include "util/process_identity.hpp"

namespace migrate::backend::sqlite {

std::unique_ptr<ScratchDatabase> SqliteBackend::create_scratch() {
  std::error_code ec;
  auto folder = std::filesystem::temp_directory_path(ec);
  if (ec) folder = "/tmp";
  const auto path = folder / ("migrate_scratch_" + util::unique_tag() + ".db");
  auto db = std::make_unique<SqliteBackend>(path.string(), OpenMode::create_if_missing);
  auto remove_files = [path] {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
      std::error_code ignored;
      std::filesystem::remove(path.string() + suffix, ignored);
    }
  };
  return std::make_unique<ScratchDatabase>(std::move(db), "temporary file " + path.string(), remove_files);
}

void SqliteBackend::drop_all_objects() {
  disable_enforcement();  // dropping a parent table must not delete or refuse for its children
  // Views first: SQLite checks views when a table is dropped under some settings.
  auto objects = query(
      "SELECT type, name FROM sqlite_master WHERE type IN ('view', 'table') AND name NOT LIKE 'sqlite\\_%' "
      "ESCAPE '\\' ORDER BY type = 'table', name");
  for (const auto& row : objects) {
    if (row.size() < 2 || !row[0] || !row[1]) continue;
    execute("DROP " + std::string(*row[0] == "view" ? "VIEW" : "TABLE") + " IF EXISTS " +
            sql::quote_sqlite_name(*row[1]));
  }
}

}  // namespace migrate::backend::sqlite
