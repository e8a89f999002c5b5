#include "api/check.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>

#include "api/database.hpp"
#include "api/declarative.hpp"
#include "api/project.hpp"
#include "api/replay.hpp"
#include "api/schema.hpp"
#include "api/status.hpp"
#include "backend/backend.hpp"
#include "core/error.hpp"
#include "graph/errors.hpp"
#include "runtime/journal.hpp"
#include "runtime/validation.hpp"
#include "runtime/version_table.hpp"
#include "schema/diff.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"

namespace migrate::api {
namespace {

void add(CheckReport& report, std::string check, Severity severity, std::string message, std::string file = "",
         int line = 0) {
  report.problems.push_back({std::move(check), severity, std::move(message), std::move(file), line});
}

/// `text` on one line: the runtime's messages put a failing statement on a line of its own.
std::string one_line(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n') {
      out += text[i];
      continue;
    }
    while (i + 1 < text.size() && text[i + 1] == ' ') ++i;
    out += "; ";
  }
  return out;
}

/// An error's message and what to do about it, on one line.
std::string with_hint(const Error& e) {
  return one_line(e.what()) + (e.hint().empty() ? "" : "; " + one_line(e.hint()));
}

std::string heads_text(const std::vector<std::string>& heads) {
  return heads.empty() ? "base" : graph::short_list(heads);
}

// ---------------------------------------------------------------------------------------
// graph, heads, irreversible

/// The errors loading the revision files and building the graph can throw: the project is
/// unsound (anything else, a configuration error say, ends the command as usual).
bool is_load_error(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::script:
    case ErrorKind::duplicate_revision:
    case ErrorKind::missing_revision:
    case ErrorKind::cycle:
    case ErrorKind::dependency_cycle: return true;
    default: return false;
  }
}

/// `message` without its leading `FILE:LINE: ` (the problem carries them as fields); a
/// column after the line stays in the message.
std::string without_location(const std::string& message, const std::string& file) {
  if (file.empty() || message.rfind(file + ":", 0) != 0) return message;
  std::size_t at = file.size() + 1;
  auto digits = [&message](std::size_t from) {
    std::size_t end = from;
    while (end < message.size() && std::isdigit(static_cast<unsigned char>(message[end]))) ++end;
    return end;
  };
  std::size_t after_line = digits(at);
  if (after_line == at) return message;
  std::string column;
  if (after_line < message.size() && message[after_line] == ':' && digits(after_line + 1) > after_line + 1) {
    std::size_t end = digits(after_line + 1);
    column = "column " + message.substr(after_line + 1, end - after_line - 1) + ": ";
    after_line = end;
  }
  if (message.compare(after_line, 2, ": ") != 0) return message;
  return column + message.substr(after_line + 2);
}

/// The project, or nullopt with the load error as a `graph` problem.
std::optional<Project> load_graph(const config::Config& config, CheckReport& report) {
  try {
    return Project::load(config);
  } catch (const Error& e) {
    if (!is_load_error(e.kind())) throw;
    auto [file, line] = e.where().file.empty() ? file_line_in(e.what()) : std::pair{e.where().file, e.where().line};
    Error shown(e.kind(), without_location(e.what(), file), e.hint());
    add(report, "graph", Severity::error, with_hint(shown), file, line);
    return std::nullopt;
  }
}

void check_heads(const Project& p, const CheckOptions& options, CheckReport& report) {
  const auto heads = p.map().heads();
  if (heads.size() <= 1 || options.allow_multiple_heads) return;
  add(report, "heads", Severity::error,
      std::to_string(heads.size()) + " heads: " + graph::short_list(heads) +
          "; merge them with `migrate merge heads -m \"merge\"`, or pass --allow-multiple-heads if the branches are "
          "meant to stay apart");
}

void check_irreversible(const Project& p, CheckReport& report) {
  for (const auto& f : p.files())
    if (f.is_irreversible())
      add(report, "irreversible", Severity::warning,
          "revision " + f.id + " has no downgrade section: a downgrade through it is refused; add "
                               "`-- migrate:downgrade` with the SQL that undoes its upgrade",
          f.path.string(), f.header_line);
}

// ---------------------------------------------------------------------------------------
// schema_file

/// Where a scratch database can be made without connecting anywhere: SQLite's are files, so
/// a database in memory stands in for the configured one. nullptr (said on stderr) when the
/// configured database is not SQLite: a PostgreSQL scratch database needs the server.
std::unique_ptr<backend::Backend> offline_scratch_host(const config::Config& config) {
  std::optional<Dialect> dialect;
  try {
    if (!config.database_url.empty()) dialect = backend::dialect_of_url(config.database_url.text());
  } catch (const Error&) {
    // A URL that is all `${VAR}` names no kind until expanded: said below like no URL.
  }
  if (dialect == Dialect::sqlite) return backend::open("sqlite:///:memory:");
  spdlog::warn("{} not checked: {}", config.schema_file.string(),
               dialect ? "replaying the revisions on PostgreSQL needs the server, and --offline never connects"
                       : "no database URL says which kind of database builds it");
  return nullptr;
}

/// The heads' schema (replayed) against schema_file's (built on the same scratch database).
void compare_with_schema_file(const Project& p, backend::Backend& host, const std::string& text,
                              CheckReport& report, runtime::StopToken& stop) {
  runtime::StopToken::Armed armed(stop);
  const auto& config = p.config();
  const std::string path = config.schema_file.string();
  auto scratch = open_scratch(config, host, "");
  Replay replay(p, scratch->db(), stop);
  const auto heads = p.map().heads();
  const auto built = replay.upgrade_to(heads);
  build_schema_file(config, text, scratch->db());
  replay.prepare_schemas();  // emptied with the rest; the heads' schema has it
  const auto desired = replay.read();
  const std::string lead = "the revisions up to " + heads_text(heads) + " do not build what " +
                           config.schema_file.filename().string() + " holds: ";
  for (const auto& d : schema::compare(desired, built))
    add(report, "schema_file", Severity::error, lead + schema::describe(d), path);
  for (const auto* side : {&desired, &built})
    for (const auto& u : side->unsupported)
      add(report, "schema_file", Severity::warning,
          "not compared: " + u.kind + " " + u.name + ", which the schema model cannot represent" +
              (u.why.empty() ? "" : " (" + u.why + ")"),
          path);
}

void check_schema_file(const Project& p, backend::Backend* db, CheckReport& report, runtime::StopToken& stop) {
  const auto& config = p.config();
  if (config.schema_file.empty()) return;
  std::unique_ptr<backend::Backend> offline_host;
  if (!db) {
    offline_host = offline_scratch_host(config);
    if (!offline_host) return;
    db = offline_host.get();
  }
  std::string text;
  try {
    text = util::read_file(config.schema_file, ErrorKind::config);
  } catch (const Error& e) {
    add(report, "schema_file", Severity::error, with_hint(e), config.schema_file.string());
    return;
  }
  try {
    compare_with_schema_file(p, *db, text, report, stop);
  } catch (const Error& e) {
    // A statement of a revision or of schema_file failed on the scratch database: that is
    // what this check found. Anything else (the server, a stop request) ends the command.
    if (e.where().file.empty()) throw;
    add(report, "schema_file", Severity::error, with_hint(e), e.where().file, e.where().line);
  }
}

// ---------------------------------------------------------------------------------------
// the database

/// The configured database, or nullptr when the database checks do not run.
std::unique_ptr<backend::Backend> connect(const config::Config& config, const CheckOptions& options) {
  if (options.offline) {
    spdlog::info("--offline: the database checks do not run");
    return nullptr;
  }
  if (config.database_url.empty()) {
    spdlog::info("no database URL is configured: the database checks do not run");
    return nullptr;
  }
  // A SQLite file that does not exist yet reads as an empty database: at base.
  return open_database(config, backend::OpenMode::empty_if_missing);
}

void check_at_head(const Project& p, const std::vector<std::string>& rows, bool versioned, CheckReport& report) {
  const auto& map = p.map();
  const auto heads = map.heads();
  if (runtime::same_heads(rows, heads)) return;
  std::vector<std::string> known;
  for (const auto& row : rows)
    if (map.find(row)) known.push_back(row);
  std::string message = versioned ? "the database is at " + heads_text(rows)
                                  : "the database has no version table yet (no revision was applied there): it is "
                                    "at base";
  message += ", not at " + std::string(heads.size() == 1 ? "head " : "heads ") + heads_text(heads);
  // With a row no file declares, the graph cannot say what lies below it: no pending list.
  const auto pending = known.size() == rows.size() ? pending_revisions(map, known) : std::vector<std::string>{};
  if (!pending.empty())
    message += "; " + std::to_string(pending.size()) + " revision(s) pending: " + graph::short_list(pending) +
               "; run `migrate upgrade " + (heads.size() == 1 ? "head" : "heads") + "`";
  add(report, "at_head", Severity::error, message);
}

/// The message runtime::require_valid refuses an upgrade with, for the one problem of `one`:
/// the same words here as there.
std::string refusal(const runtime::ValidationReport& one) {
  try {
    runtime::require_valid(one, "upgrade");
  } catch (const Error& e) {
    return with_hint(e);
  }
  return "";
}

void check_applied_files(const Project& p, const std::vector<std::string>& rows, backend::Backend& db,
                         CheckReport& report) {
  auto validation = runtime::validate_applied(
      p.map(), rows, file_lookup(p), [&p](const std::string& id) { return p.has_file(id); }, db,
      version_table(p.config(), db));
  for (const auto& m : validation.mismatches)
    add(report, "checksum", Severity::error, refusal({{m}, {}}), m.file);
  for (const auto& id : validation.missing_files) add(report, "file_gone", Severity::error, refusal({{}, {id}}));
}

void check_partial(runtime::Journal& journal, CheckReport& report) {
  if (!journal.exists()) return;
  for (const auto& row : journal.partial())
    add(report, "partial", Severity::error,
        one_line(runtime::needs_repair_error({row}).what()) +
            "; `migrate repair` shows which statements ran and the ways out",
        row.file_path);
}

void check_fingerprint(const Project& p, backend::Backend& db, const std::vector<std::string>& rows,
                       CheckReport& report) {
  const auto status = schema_status(p.config(), db, rows);
  if (!status) return;  // this backend cannot read its schema
  if (!status->recorded_for_heads) {
    if (!rows.empty())
      add(report, "fingerprint", Severity::warning,
          "the journal records no schema fingerprint for " + heads_text(rows) +
              " (the database was last changed by an older migrate, by hand, or by a run that stopped between "
              "revisions): the live schema was not compared; the next upgrade or downgrade records one");
    return;
  }
  if (status->matches) return;
  add(report, "fingerprint", Severity::error,
      "the live schema differs from the one recorded when the database reached " + heads_text(rows) +
          " (journal row " + std::to_string(status->recorded_row) + ", " + status->recorded_at + "): fingerprint " +
          status->fingerprint.substr(0, 12) + " now, " + status->recorded_fingerprint.substr(0, 12) +
          " then; `migrate drift` shows what differs");
}

/// Where a file's name may start in a message: its start, or after a blank or '('.
bool may_start_path(const std::string& message, std::size_t at) {
  return at == 0 || message[at - 1] == ' ' || message[at - 1] == '(';
}

}  // namespace

CheckReport check_database(const Project& p, backend::Backend& db, bool expect_fingerprint) {
  CheckReport report;
  const auto vt = version_table(p.config(), db);
  auto table = runtime::read_version_table(db, vt);  // one catalog query answers both
  const bool versioned = table.has_value();
  report.rows = std::move(table).value_or(std::vector<std::string>{});
  const auto& rows = report.rows;
  check_at_head(p, rows, versioned, report);
  check_applied_files(p, rows, db, report);
  runtime::Journal journal(db, vt);
  check_partial(journal, report);
  // Not expected: not read either (a tenant's schema read scans every tenant's catalog rows).
  if (expect_fingerprint) check_fingerprint(p, db, rows, report);
  return report;
}

const char* to_string(Severity severity) { return severity == Severity::error ? "error" : "warning"; }

std::size_t CheckReport::count(Severity severity) const {
  return static_cast<std::size_t>(std::count_if(problems.begin(), problems.end(),
                                                [severity](const Problem& p) { return p.severity == severity; }));
}

bool CheckReport::ok(bool strict) const {
  return count(Severity::error) == 0 && (!strict || count(Severity::warning) == 0);
}

std::pair<std::string, int> file_line_in(const std::string& message) {
  for (std::size_t colon = message.find(':'); colon != std::string::npos; colon = message.find(':', colon + 1)) {
    std::size_t end = colon + 1;
    while (end < message.size() && end - colon <= 9 && std::isdigit(static_cast<unsigned char>(message[end]))) ++end;
    if (end == colon + 1) continue;
    for (std::size_t start = 0; start < colon; ++start) {
      if (!may_start_path(message, start)) continue;
      std::error_code ec;
      const std::string path = message.substr(start, colon - start);
      if (std::filesystem::is_regular_file(path, ec))
        return {path, std::stoi(message.substr(colon + 1, end - colon - 1))};
    }
  }
  return {"", 0};
}

CheckReport check_project(const config::Config& config, const CheckOptions& options, runtime::StopToken& stop) {
  CheckReport report;
  auto project = load_graph(config, report);
  if (!project) return report;  // every other check needs the graph
  check_heads(*project, options, report);
  check_irreversible(*project, report);
  // Connected first: an unreachable database ends the command before the replay's work.
  auto db = connect(config, options);
  check_schema_file(*project, db.get(), report, stop);
  if (db) {
    auto found = check_database(*project, *db);
    report.problems.insert(report.problems.end(), found.problems.begin(), found.problems.end());
  }
  return report;
}

}  // namespace migrate::api
