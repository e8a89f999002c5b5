// Backups with pg_dump, and the pg_restore command that undoes to them.

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "backend/backup_support.hpp"
#include "backend/postgres/postgres_backend.hpp"
#include "backend/postgres/session.hpp"
#include "util/strings.hpp"

namespace migrate::backend::postgres {
namespace {

/// pg_dump to use: MIGRATE_PG_DUMP, else PATH, else the newest /usr/lib/postgresql/*/bin
/// (Debian and Ubuntu install the versioned clients there). Throws Error{usage}.
std::filesystem::path find_pg_dump() {
  if (const char* chosen = std::getenv("MIGRATE_PG_DUMP"); chosen && *chosen) {
    if (::access(chosen, X_OK) != 0)
      throw Error(ErrorKind::usage, std::string("cannot back up: MIGRATE_PG_DUMP names '") + chosen +
                                        "', which is not an executable pg_dump",
                  "point MIGRATE_PG_DUMP at pg_dump, or unset it to look in PATH");
    return chosen;
  }
  std::vector<std::filesystem::path> versioned;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec))
    versioned.push_back(entry.path() / "bin");
  // Newest first: "15" < "9.6" as strings, so compare the major version as a number.
  std::sort(versioned.begin(), versioned.end(), [](const auto& a, const auto& b) {
    return std::atof(a.parent_path().filename().c_str()) > std::atof(b.parent_path().filename().c_str());
  });
  auto found = find_executable("pg_dump", versioned);
  if (found.empty())
    throw Error(ErrorKind::usage, "cannot back up: pg_dump is not installed (looked in PATH and /usr/lib/postgresql/*/bin)",
                "install the PostgreSQL client tools (Debian/Ubuntu: apt-get install postgresql-client; "
                "pg_dump must not be older than the server), set MIGRATE_PG_DUMP to its path, or run without --backup");
  return found;
}

/// `name` made safe for a file name: letters, digits, '-', '_' and '.' kept, the rest '_'.
std::string file_name_part(std::string_view name) {
  std::string out;
  for (char c : name)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  return out.empty() ? "db" : out;
}

}  // namespace

std::filesystem::path PostgresBackend::default_backup_path(std::string_view timestamp) const {
  const char* db = m_session->raw() ? PQdb(m_session->raw()) : nullptr;
  return "migrate-backup-" + file_name_part(db ? db : "") + "-" + std::string(timestamp) + ".dump";
}

BackupResult PostgresBackend::backup(const std::filesystem::path& path) {
  auto pg_dump = find_pg_dump();
  if (m_target.without_password.empty())
    throw Error(ErrorKind::usage,
                "cannot back up " + m_target.redacted + ": its password cannot be taken out of the URL safely",
                "percent-encode special characters in the password (e.g. '@' as %40, '?' as %3F); a password that "
                "also appears elsewhere in the URL (as the user name, say) would show in the printed restore "
                "command: pass it in PGPASSWORD or ~/.pgpass instead");
  // The password libpq actually used (URL, PGPASSWORD or ~/.pgpass); hidden from every
  // message like the URL's own.
  const char* used = m_session->raw() ? PQpass(m_session->raw()) : nullptr;
  std::string password = used ? used : "";
  Redactor secrets = m_target.secrets;
  secrets.add_secret(password);

  std::error_code ec;
  auto absolute = std::filesystem::absolute(path, ec);
  if (ec) absolute = path;
  create_backup_file(path);
  std::vector<std::string> args{"--format=custom", "--no-password", "--file=" + absolute.string(),
                                "--dbname=" + m_target.without_password};
  std::vector<std::string> add;
  if (!password.empty()) add.push_back("PGPASSWORD=" + password);
  ProcessResult result;
  try {
    result = run_process(pg_dump, args, child_environment({"PGPASSWORD"}, add));
  } catch (...) {
    remove_partial_backup(path);
    throw;
  }
  if (result.exit_status != 0) {
    remove_partial_backup(path);
    std::string how = result.signal ? "was killed by signal " + std::to_string(result.signal)
                                    : "failed (exit status " + std::to_string(result.exit_status) + ")";
    std::string output(util::trim(result.output));
    throw Error(ErrorKind::database,
                pg_dump.string() + " " + how + " backing up " + m_target.redacted +
                    (output.empty() ? std::string() : ":\n" + secrets.text(output)),
                "nothing was changed; fix the cause (credentials, a pg_dump older than the server, disk "
                "space) or run without --backup");
  }
  BackupResult backup;
  backup.path = path;
  // --create: the database is dropped and re-created from the dump, so objects made after
  // the backup (a table a failed upgrade created) are gone too; --clean alone would keep
  // them, and the next upgrade would trip over them.
  backup.restore_command = "pg_restore --clean --if-exists --create --no-owner --dbname " +
                           shell_quote(with_database(m_target.without_password, "postgres")) + " " +
                           shell_quote(absolute.string());
  return backup;
}

}  // namespace migrate::backend::postgres
