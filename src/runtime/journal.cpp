#include "runtime/journal.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iterator>
#include <map>
#include <string_view>
#include <unordered_map>

#include <spdlog/fmt/fmt.h>

#include "backend/sql_dialect.hpp"
#include "sql/statements.hpp"
#include "util/files.hpp"
#include "util/process_identity.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

#ifndef MIGRATE_VERSION
#define MIGRATE_VERSION "unknown"
#endif

namespace migrate::runtime {
namespace {

namespace sql = backend::sql;

using util::join;

/// A stored list: util::split, except that "" is the empty list (not one empty item).
std::vector<std::string> split(std::string_view text, char sep) {
  if (text.empty()) return {};
  return util::split(text, sep);
}

/// An empty text is stored as NULL (the JournalEntry convention).
std::optional<std::string> text_or_none(const std::string& value) {
  return value.empty() ? std::nullopt : std::optional<std::string>(value);
}

/// text_or_none as a literal.
std::string text_or_null(const std::string& value) {
  const auto text = text_or_none(value);
  return text ? sql::quote_literal(*text) : std::string("NULL");
}

int to_int(const std::string& s) { return s.empty() ? 0 : std::stoi(s); }

bool has_column(const std::vector<std::string>& columns, const char* name) {
  return std::find(columns.begin(), columns.end(), name) != columns.end();
}

/// Columns a reader needs; without them the table is not a journal at all.
constexpr const char* k_required[] = {"id", "revision", "direction", "status"};

}  // namespace

std::string encode_version_ops(const std::vector<graph::VersionOp>& ops) {
  std::string out;
  for (const auto& op : ops) {
    if (!out.empty()) out += '\n';
    switch (op.kind) {
      case graph::VersionOp::Kind::insert: out += "insert " + op.to; break;
      case graph::VersionOp::Kind::update: out += "update " + op.from + " " + op.to; break;
      case graph::VersionOp::Kind::remove: out += "delete " + op.from; break;
    }
  }
  return out;
}

std::vector<graph::VersionOp> decode_version_ops(std::string_view text) {
  std::vector<graph::VersionOp> ops;
  int line_no = 0;
  for (const auto& line : split(text, '\n')) {
    ++line_no;
    if (line.empty()) continue;
    auto words = split(line, ' ');
    if (words.size() == 2 && words[0] == "insert") {
      ops.push_back(graph::VersionOp::insert(words[1]));
    } else if (words.size() == 3 && words[0] == "update") {
      ops.push_back(graph::VersionOp::update(words[1], words[2]));
    } else if (words.size() == 2 && words[0] == "delete") {
      ops.push_back(graph::VersionOp::remove(words[1]));
    } else {
      throw Error(ErrorKind::database,
                  fmt::format("the journal's version_ops has an unreadable line {}: '{}'", line_no, line),
                  "the journal row was edited by hand; record the state with `migrate stamp` instead");
    }
  }
  return ops;
}

std::vector<std::string> statement_hashes(std::string_view sql_text, Dialect dialect, int first_line) {
  std::vector<std::string> out;
  for (const auto& s : migrate::sql::split_statements(sql_text, dialect, first_line))
    out.push_back(util::sha256_hex(s.text));
  return out;
}

std::string utc_now_iso() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf, static_cast<int>(ms));
}

void fill_process_identity(JournalEntry& entry) {
  static const std::string k_os_user = util::os_user_name();
  static const std::string k_host = util::host_name();
  entry.os_user = k_os_user;
  entry.host = k_host;
  entry.tool_version = MIGRATE_VERSION;
}

void record_file(JournalEntry& entry, const script::RevisionFile& file, Dialect dialect, bool keep_copy) {
  entry.checksum = file.checksum.hex();
  entry.checksum_algorithm = k_checksum_algorithm;
  entry.file_path = file.path.string();
  entry.message = file.message;
  if (const auto* down = file.downgrade_for(dialect)) {
    entry.downgrade_sql = down->sql;
    entry.has_downgrade = true;
  }
  if (keep_copy) entry.file_content = file.verified_text();
}

JournalEntry step_row(const StepFacts& facts, Dialect dialect, const std::string& status, int statements_done,
                      const std::string& error, long long duration_ms) {
  JournalEntry e;
  e.revision = facts.step.revision.value_or("");
  e.direction = graph::to_string(facts.step.direction);
  e.command = facts.command;
  e.heads_before = facts.heads_before;
  // Only an applied step moved the heads; running, failed and rolled_back rows did not.
  e.heads_after = status == "applied" ? facts.heads_after : facts.heads_before;
  e.version_ops = facts.step.ops;
  if (facts.file) {
    // The copy a later downgrade or diff works from is kept for upgrades only (the file
    // text is not kept in memory after parsing).
    record_file(e, *facts.file, dialect, facts.step.direction == graph::Direction::upgrade);
    for (const auto& statement : facts.statements) e.statement_hashes.push_back(util::sha256_hex(statement.text));
  }
  e.status = status;
  e.statements_done = statements_done;
  e.statements_total = static_cast<int>(facts.statements.size());
  e.error = error;
  e.started_at = facts.started_at;
  if (status != "running") e.finished_at = utc_now_iso();
  e.duration_ms = duration_ms;
  e.db_user = facts.db_user;
  fill_process_identity(e);
  return e;
}

Error needs_repair_error(const std::vector<JournalEntry>& partial) {
  std::string message;
  for (const auto& p : partial) {
    if (!message.empty()) message += "\n";
    std::string where = p.file_path.empty() ? "" : " (" + p.file_path + ")";
    if (p.status == "failed") {
      message += fmt::format(
          "revision {}{} is partially applied: its {} failed at statement {} of {} (started {}): {}",
          p.revision, where, p.direction, p.statements_done + 1, p.statements_total, p.started_at, p.error);
    } else {
      message += fmt::format(
          "revision {}{} is partially applied: its {} stopped after statement {} of {} (started {}; "
          "the process ended without finishing it)",
          p.revision, where, p.direction, p.statements_done, p.statements_total, p.started_at);
    }
  }
  const auto& rev = partial.front().revision;
  return Error(ErrorKind::needs_repair, message,
               fmt::format("run `migrate repair` to see which statements ran and whether their effects are in the "
                           "database; then either `migrate repair --resume` (runs the statements that did not "
                           "complete), or fix it by hand and record it with `migrate repair --mark-applied {0} "
                           "--reason \"...\"` (finished) or `migrate repair --mark-reverted {0} --reason \"...\"` "
                           "(undone); `migrate stamp <revision>` also resolves every partial revision",
                           rev));
}

void fill_identity(JournalEntry& entry, backend::Backend& db) {
  entry.db_user = db.database_user();
  fill_process_identity(entry);
}

// ---------------------------------------------------------------------------------------

Journal::Journal(backend::Backend& db, const VersionTable& vt)
    : m_db(db),
      m_schema(on_connection(db, vt).schema),
      m_name(vt.journal_name()),
      m_version_table(sql::qualified_name(db.dialect(), m_schema, vt.name)) {}

std::string Journal::table() const { return sql::qualified_name(m_db.dialect(), m_schema, m_name); }

bool Journal::exists() { return m_db.catalog().table_exists(m_schema, m_name); }

std::vector<std::string> Journal::columns() { return m_db.catalog().column_names(m_schema, m_name); }

void Journal::ensure() {
  if (m_known_complete) return;
  auto dialect = m_db.dialect();
  // What partial() read serves only outside a transaction: inside one (a dry run, a run in one
  // transaction) revision SQL may already have run, and what it did to the journal counts.
  auto present = m_columns_read_by_partial && !m_db.in_transaction() ? std::move(*m_columns_read_by_partial) : columns();
  m_columns_read_by_partial.reset();
  if (present.empty()) {
    m_db.execute(sql::create_journal_table(dialect, m_schema, m_name));
  } else {
    // A journal of an older release: add what it lacks, in table order. Old rows read NULL.
    for (const auto& column : sql::journal_columns(dialect))
      if (!has_column(present, column.name.c_str()))
        m_db.execute(sql::add_journal_column(dialect, m_schema, m_name, column));
  }
  m_ensured_in_transaction = m_db.in_transaction();
  m_known_complete = !m_ensured_in_transaction;
}

namespace {

std::optional<std::string> number_or_none(long long value, bool present) {
  return present ? std::optional<std::string>(std::to_string(value)) : std::nullopt;
}

/// A row's values by column name, in the order of sql::journal_columns.
std::vector<std::pair<const char*, std::optional<std::string>>> journal_values(const JournalEntry& e) {
  return {
      {"revision", text_or_none(e.revision)},
      {"direction", e.direction},
      {"command", text_or_none(e.command)},
      {"heads_before", join(e.heads_before, ",")},
      {"heads_after", join(e.heads_after, ",")},
      {"checksum", text_or_none(e.checksum)},
      {"file_path", text_or_none(e.file_path)},
      {"message", text_or_none(e.message)},
      // An empty downgrade section is a valid no-op: store '' rather than NULL for it.
      {"downgrade_sql", e.has_downgrade ? std::optional<std::string>(e.downgrade_sql) : std::nullopt},
      {"status", e.status},
      {"statements_done", std::to_string(e.statements_done)},
      {"statements_total", std::to_string(e.statements_total)},
      {"error", text_or_none(e.error)},
      {"started_at", e.started_at.empty() ? utc_now_iso() : e.started_at},
      {"finished_at", text_or_none(e.finished_at)},
      {"duration_ms", number_or_none(e.duration_ms, e.duration_ms >= 0)},
      {"db_user", e.db_user},
      {"os_user", e.os_user},
      {"host", e.host},
      {"tool_version", e.tool_version},
      {"reason", text_or_none(e.reason)},
      {"checksum_algorithm", text_or_none(e.checksum_algorithm)},
      {"file_content", text_or_none(e.file_content)},
      {"statement_hashes", text_or_none(join(e.statement_hashes, "\n"))},
      {"version_ops", text_or_none(encode_version_ops(e.version_ops))},
      {"has_downgrade", std::string(e.has_downgrade ? "1" : "0")},
      {"transactional", std::string(e.transactional ? "1" : "0")},
      {"statement_started", number_or_none(e.statement_started, e.statement_started > 0)},
      {"schema_fingerprint", text_or_none(e.schema_fingerprint)},
      {"catalog_digest", text_or_none(e.catalog_digest)},
  };
}

}  // namespace

backend::Backend::Statement Journal::append_statement(const JournalEntry& e) {
  ensure();
  auto named = journal_values(e);
  if (m_insert_sql.empty()) m_insert_sql = insert_sql(named);
  std::vector<std::optional<std::string>> values;
  values.reserve(named.size());
  for (auto& [name, value] : named) values.push_back(std::move(value));
  return {m_insert_sql, std::move(values)};
}

/// The INSERT of every column with a placeholder each. Written once per journal object: the
/// same text each time lets SQLite run the statement it prepared for the first row.
std::string Journal::insert_sql(const std::vector<std::pair<const char*, std::optional<std::string>>>& named) const {
  const auto columns = sql::journal_columns(m_db.dialect());
  std::string names, placeholders;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i >= named.size() || columns[i].name != named[i].first)
      throw std::logic_error("journal_values does not list the journal's column " + columns[i].name);
    if (i) names += ", ", placeholders += ", ";
    names += columns[i].name;
    placeholders += "?";
  }
  if (named.size() != columns.size()) throw std::logic_error("journal_values lists a column the journal lacks");
  return "INSERT INTO " + table() + " (" + names + ") VALUES (" + placeholders + ") RETURNING id";
}

long long Journal::appended_id(const std::vector<backend::Row>& rows) const {
  if (rows.empty() || rows[0].empty() || !rows[0][0])
    throw Error(ErrorKind::database, "inserting into " + table() + " returned no id");
  return std::stoll(*rows[0][0]);
}

long long Journal::append(const JournalEntry& e) { return appended_id(m_db.execute_batch({append_statement(e)}).last_rows); }

void Journal::set_progress(long long id, int statements_done) {
  m_db.execute(fmt::format("UPDATE {} SET statements_done = {} WHERE id = {}", table(), statements_done, id));
}

void Journal::set_started(long long id, int number) {
  m_db.execute(fmt::format("UPDATE {} SET statement_started = {} WHERE id = {}", table(), number, id));
}

void Journal::finish(long long id, const std::string& status, int statements_done, const std::string& error,
                     const std::vector<std::string>& heads_after, long long duration_ms,
                     const SchemaMark& schema) {
  m_db.execute(fmt::format(
      "UPDATE {} SET status = {}, statements_done = {}, error = {}, finished_at = {}, duration_ms = {}, "
      "heads_after = {}, schema_fingerprint = {}, catalog_digest = {} WHERE id = {}",
      table(), sql::quote_literal(status), statements_done, text_or_null(error), sql::quote_literal(utc_now_iso()),
      duration_ms >= 0 ? std::to_string(duration_ms) : std::string("NULL"),
      sql::quote_literal(join(heads_after, ",")), text_or_null(schema.fingerprint), text_or_null(schema.catalog_digest),
      id));
}

namespace {

bool is_large_column(std::string_view name) {
  return name == "file_content" || name == "downgrade_sql" || name == "statement_hashes";
}

bool is_outcome_column(std::string_view name) {
  static constexpr std::string_view k_outcome[] = {"revision",   "direction",   "command", "heads_before",
                                                   "heads_after", "status",     "started_at", "finished_at",
                                                   "duration_ms", "db_user",    "os_user", "host"};
  return std::find(std::begin(k_outcome), std::end(k_outcome), name) != std::end(k_outcome);
}

/// One row of a journal SELECT, its values taken by column name (a column the journal
/// lacks reads as NULL).
struct SelectedRow {
  const Journal::Positions& position;
  backend::Row& values;

  std::optional<std::string>* find(std::string_view name) const {
    auto it = position.find(name);
    return it != position.end() && it->second < values.size() ? &values[it->second] : nullptr;
  }
  bool is_null(std::string_view name) const {
    auto* value = find(name);
    return !value || !*value;
  }
  /// The value ("" for NULL), moved out: each column is taken once.
  std::string take(std::string_view name) const {
    auto* value = find(name);
    return value && *value ? std::move(**value) : std::string();
  }
};

JournalEntry entry_from(const SelectedRow& row) {
  JournalEntry e;
  e.id = std::stoll(row.take("id"));
  e.revision = row.take("revision");
  e.direction = row.take("direction");
  e.command = row.take("command");
  e.heads_before = split(row.take("heads_before"), ',');
  e.heads_after = split(row.take("heads_after"), ',');
  e.checksum = row.take("checksum");
  e.checksum_algorithm = row.take("checksum_algorithm");
  e.file_path = row.take("file_path");
  e.message = row.take("message");
  e.file_content = row.take("file_content");
  // Older rows have no has_downgrade: they stored downgrade_sql exactly when there was one.
  e.has_downgrade = row.is_null("has_downgrade") ? !row.is_null("downgrade_sql") : row.take("has_downgrade") == "1";
  e.downgrade_sql = row.take("downgrade_sql");
  e.statement_hashes = split(row.take("statement_hashes"), '\n');
  e.version_ops = decode_version_ops(row.take("version_ops"));
  e.status = row.take("status");
  e.statements_done = to_int(row.take("statements_done"));
  e.statements_total = to_int(row.take("statements_total"));
  e.error = row.take("error");
  e.started_at = row.take("started_at");
  e.finished_at = row.take("finished_at");
  e.duration_ms = row.is_null("duration_ms") ? -1 : std::stoll(row.take("duration_ms"));
  e.db_user = row.take("db_user");
  e.os_user = row.take("os_user");
  e.host = row.take("host");
  e.tool_version = row.take("tool_version");
  e.reason = row.take("reason");
  // Rows older than the column are non-transactional: only those were ever left behind failed.
  e.transactional = row.take("transactional") == "1";
  e.statement_started = to_int(row.take("statement_started"));
  e.schema_fingerprint = row.take("schema_fingerprint");
  e.catalog_digest = row.take("catalog_digest");
  return e;
}

}  // namespace

std::vector<JournalEntry> Journal::select(const std::string& where_and_order, Columns read) {
  return select_in(columns(), where_and_order, read);
}

std::vector<JournalEntry> Journal::select_in(const std::vector<std::string>& present,
                                             const std::string& where_and_order, Columns read) {
  std::vector<JournalEntry> out;
  run_select(present, where_and_order, read, [&](const std::string& sql, const Positions& position) {
    auto rows = m_db.query(sql);
    // Reserved: an entry is 776 bytes, and growing the vector by doubling held twice the
    // journal at its peak (19 MB for 10,000 rows).
    out.reserve(rows.size());
    for (auto& row : rows) out.push_back(entry_from(SelectedRow{position, row}));
  });
  return out;
}

void Journal::run_select(const std::vector<std::string>& present, const std::string& where_and_order, Columns read,
                         const std::function<void(const std::string&, const Positions&)>& run) {
  if (present.empty()) return;
  for (const char* required : k_required)
    if (!has_column(present, required))
      throw Error(ErrorKind::database,
                  fmt::format("{} has no column {}: it is not a migrate journal", table(), required),
                  "rename or drop that table, or choose another version_table");
  // Only the columns this journal has: an older one is read as it is, not upgraded by a
  // read (reads take no lock).
  std::vector<std::string> wanted = {"id"};
  for (const auto& column : sql::journal_columns(m_db.dialect()))
    if (read == Columns::all || (read == Columns::small && !is_large_column(column.name)) ||
        (read == Columns::outcome && is_outcome_column(column.name)))
      wanted.push_back(column.name);
  std::vector<std::string> names;
  for (const auto& name : wanted)
    if (has_column(present, name.c_str())) names.push_back(name);
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "cur." : ", cur.") + name;

  Positions position;
  for (std::size_t i = 0; i < names.size(); ++i) position.emplace(names[i], i);
  run("SELECT " + list + " FROM " + table() + " cur " + where_and_order, position);
}

namespace {

/// The partial-row rule of journal.hpp on the row alias `cur` of `table`: every query for
/// partial rows uses this text. A repair resolves its own revision only; a stamp rewrites the
/// version table wholesale and so resolves every earlier partial row. A failed transactional
/// attempt left nothing behind: history, not partial (journals older than the `transactional`
/// column hold no such rows).
std::string partial_rule(const std::string& table, bool has_transactional) {
  std::string non_transactional = has_transactional ? "AND (cur.transactional IS NULL OR cur.transactional = 0) " : "";
  return "cur.status IN ('running', 'failed') AND cur.direction IN ('upgrade', 'downgrade') " + non_transactional +
         "AND NOT EXISTS (SELECT 1 FROM " + table +
         " later WHERE later.id > cur.id AND later.status = 'applied' AND (later.direction = 'stamp' OR "
         "(later.direction = 'repair' AND later.revision = cur.revision)))";
}

}  // namespace

std::vector<JournalEntry> Journal::partial() {
  auto present = columns();
  m_columns_read_by_partial.reset();
  if (!m_db.in_transaction()) m_columns_read_by_partial = present;
  return select_in(present, "WHERE " + partial_rule(table(), has_column(present, "transactional")) + " ORDER BY cur.id");
}

namespace {

/// The recorded-checksum rule of journal.hpp as a condition on the row alias `cur`: every
/// query for recorded checksums uses this text, so they cannot drift apart.
constexpr const char* k_recorded_checksum_rule =
    "cur.status = 'applied' AND cur.checksum IS NOT NULL AND (cur.direction = 'upgrade' OR "
    "(cur.direction = 'repair' AND cur.command IN ('repair --resume', 'repair --accept-checksum', "
    "'repair --mark-applied')))";

/// The stored-copy rule of journal.hpp (apart from the revision), on the alias `cur`.
constexpr const char* k_stored_copy_rule =
    "cur.file_content IS NOT NULL AND (cur.direction = 'upgrade' OR (cur.direction = 'repair' AND cur.command IN "
    "('repair --resume', 'repair --accept-checksum', 'repair --mark-applied')))";

}  // namespace

std::optional<JournalEntry> Journal::recorded_checksum(const std::string& revision) {
  auto rows = select("WHERE cur.revision = " + sql::quote_literal(revision) + " AND " + k_recorded_checksum_rule +
                     " ORDER BY cur.id DESC LIMIT 1");
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::unordered_map<std::string, RecordedChecksum> Journal::recorded_checksums() {
  std::unordered_map<std::string, RecordedChecksum> out;
  // Oldest first: a later row of the same revision replaces an earlier one.
  for_each_recorded_checksum([&](std::string&& revision, RecordedChecksum&& r) { out[std::move(revision)] = std::move(r); });
  return out;
}

void Journal::for_each_recorded_checksum(const RecordedChecksumSink& sink) {
  auto present = columns();
  if (present.empty()) return;
  // A journal older than checksum_algorithm is read as it is (reads change nothing).
  std::string algorithm = has_column(present, "checksum_algorithm") ? "cur.checksum_algorithm" : "NULL";
  const backend::Backend::RowSink each = [&](backend::Row&& row) {
    if (row.size() < 4 || !row[0] || !row[1] || !row[2]) return;
    sink(std::move(*row[1]), RecordedChecksum{std::stoll(*row[0]), std::move(*row[2]), row[3].value_or("")});
  };
  m_db.for_each_row("SELECT cur.id, cur.revision, cur.checksum, " + algorithm + " FROM " + table() +
                        " cur WHERE cur.revision IS NOT NULL AND " + k_recorded_checksum_rule + " ORDER BY cur.id",
                    each);
}

std::optional<Journal::StateAtOnce> Journal::read_state_at_once(const RecordedChecksumSink& sink) {
  // Tagged rows: 'v' a version row, 'p' one if a partial row exists, 'c' a recorded checksum.
  const std::string query =
      "SELECT 'v', version_num, NULL, NULL, NULL FROM " + m_version_table +
      " UNION ALL SELECT 'p', NULL, NULL, NULL, NULL WHERE EXISTS (SELECT 1 FROM " + table() + " cur WHERE " +
      partial_rule(table(), true) + ") UNION ALL SELECT 'c', cur.revision, cur.checksum, cur.checksum_algorithm, CAST(cur.id AS TEXT) FROM " +
      table() + " cur WHERE cur.revision IS NOT NULL AND " + k_recorded_checksum_rule;
  if (m_db.in_transaction()) return std::nullopt;  // a failing query would abort the caller's transaction
  StateAtOnce state;
  const backend::Backend::RowSink each = [&](backend::Row&& row) {
    if (row.size() < 5 || !row[0] || row[0]->empty()) return;
    switch ((*row[0])[0]) {
      case 'v':
        if (row[1]) state.rows.push_back(std::move(*row[1]));
        break;
      case 'p': state.has_partial = true; break;
      case 'c':
        if (row[1] && row[2] && row[4])
          sink(std::move(*row[1]), RecordedChecksum{std::stoll(*row[4]), std::move(*row[2]), row[3].value_or("")});
        break;
      default: break;
    }
  };
  try {
    m_db.for_each_row(query, each);
  } catch (const backend::DatabaseError&) {
    return std::nullopt;  // a table or column is missing: read one by one
  }
  return state;
}

std::optional<JournalEntry> Journal::stored_copy(const std::string& revision) {
  auto present = columns();
  if (!has_column(present, "file_content")) return std::nullopt;
  auto rows = select_in(present, "WHERE cur.revision = " + sql::quote_literal(revision) + " AND " + k_stored_copy_rule +
                     " ORDER BY cur.id DESC LIMIT 1");
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::optional<RecordedFingerprint> Journal::recorded_fingerprint() {
  auto present = columns();
  if (!has_column(present, "schema_fingerprint")) return std::nullopt;
  auto rows = select_in(present,
                        "WHERE cur.schema_fingerprint IS NOT NULL AND (cur.status = 'applied' OR "
                        "(cur.status IN ('failed', 'rolled_back') AND cur.transactional = 1)) ORDER BY cur.id DESC LIMIT 1",
                        Columns::small);
  if (rows.empty()) return std::nullopt;
  const auto& row = rows.front();
  return RecordedFingerprint{row.id, row.schema_fingerprint, row.catalog_digest,
                             row.status == "applied" ? row.heads_after : row.heads_before,
                             row.finished_at.empty() ? row.started_at : row.finished_at};
}

std::vector<JournalEntry> Journal::all() { return select("ORDER BY cur.id"); }

std::vector<JournalEntry> Journal::history() { return select("ORDER BY cur.id", Columns::small); }

std::vector<JournalEntry> Journal::outcomes() { return select("ORDER BY cur.id", Columns::outcome); }

void Journal::for_each_outcome(const EntrySink& sink) {
  // Row by row: a journal of 10,000 rows held whole, with the rows it was read from, was a
  // quarter of `status`'s memory.
  run_select(columns(), "ORDER BY cur.id", Columns::outcome, [&](const std::string& sql, const Positions& position) {
    m_db.for_each_row(sql, [&](backend::Row&& row) { sink(entry_from(SelectedRow{position, row})); });
  });
}

std::optional<JournalEntry> Journal::get(long long id) {
  auto rows = select("WHERE cur.id = " + std::to_string(id));
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

StepExecutor::Progress journal_progress(Journal& journal, long long id) {
  return {[&journal, id](int number) { journal.set_started(id, number); },
          [&journal, id](int done) { journal.set_progress(id, done); }};
}

}  // namespace migrate::runtime
