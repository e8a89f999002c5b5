#include "runtime/schema_state.hpp"
#include "runtime/version_table.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "util/strings.hpp"

namespace migrate::runtime {

namespace {

/// `abc123def456…`: enough of a fingerprint to tell two apart in a message.
std::string short_fingerprint(const std::string& fingerprint) { return fingerprint.substr(0, 12); }

std::string heads_text(const std::vector<std::string>& heads) {
  return heads.empty() ? "base" : util::join(heads, ", ");
}

/// `read()`, under savepoint `name` when a transaction is open: a failing catalog query would
/// abort it on PostgreSQL and take the revision down with it. On a failure the transaction
/// is rolled back to the savepoint and the failure propagates.
template <typename Read>
auto under_savepoint(backend::Backend& db, const std::string& name, Read read) {
  if (!db.in_transaction()) return read();
  db.execute("SAVEPOINT " + name);
  try {
    auto result = read();
    db.execute("RELEASE SAVEPOINT " + name);
    return result;
  } catch (...) {
    try {
      db.execute("ROLLBACK TO SAVEPOINT " + name);
      db.execute("RELEASE SAVEPOINT " + name);
    } catch (const std::exception&) {
      // The transaction itself is gone: the commit that follows reports it.
    }
    throw;
  }
}

}  // namespace

SchemaState::SchemaState(backend::Backend& db, const VersionTable& vt, std::vector<std::string> schemas)
    : m_db(db), m_vt(vt), m_schemas(std::move(schemas)) {}

bool SchemaState::available() const { return m_db.schema_reader() != nullptr; }

backend::SchemaScope SchemaState::scope() const {
  backend::SchemaScope scope;
  scope.schemas = m_schemas;
  scope.excluded = {{m_vt.schema, m_vt.name}, {m_vt.schema, m_vt.journal_name()}, {m_vt.schema, m_vt.lock_name()}};
  return scope;
}

schema::Schema SchemaState::read() {
  auto* reader = m_db.schema_reader();
  if (!reader)
    throw Error(ErrorKind::usage, "the database at " + m_db.describe() + " cannot report its schema",
                "schema commands need a backend with a catalog reader (SQLite or PostgreSQL)");
  return reader->read_schema(scope());
}

std::optional<std::string> SchemaState::fingerprint() {
  auto* reader = m_db.schema_reader();
  if (!reader) return std::nullopt;
  return reader->fingerprint(scope());
}

std::string SchemaState::catalog_digest() {
  auto* reader = m_db.schema_reader();
  if (!reader) return {};
  try {
    return under_savepoint(m_db, "migrate_catalog_digest", [&] { return reader->catalog_digest(scope()); });
  } catch (const std::exception& e) {
    spdlog::debug("no catalog digest (the schema is read in full instead): {}", e.what());
    return {};
  }
}

SchemaMark SchemaState::fingerprint_for_journal() {
  if (!available()) return {};
  const bool in_transaction = m_db.in_transaction();
  try {
    return under_savepoint(m_db, "migrate_schema_read", [&] {
      SchemaMark result;
      // Only inside a transaction is a digest recorded: on SQLite the transaction is one
      // snapshot for both reads; on PostgreSQL each statement has its own, and the digest is
      // read first, so a change another session makes between the two leaves a digest the
      // catalog no longer has, and the next comparison reads in full. Read after the model,
      // the digest could stand for a schema the recorded model never saw.
      if (in_transaction && m_digest) result.catalog_digest = catalog_digest();
      result.fingerprint = m_db.schema_reader()->fingerprint(scope());
      return result;
    });
  } catch (const std::exception& e) {
    spdlog::warn("could not read the schema to record its fingerprint in the journal: {}", e.what());
    return {};
  }
}

FingerprintCheck check_fingerprint(SchemaState& state, Journal& journal, const std::vector<std::string>& rows) {
  FingerprintCheck check;
  check.recorded = journal.recorded_fingerprint();
  const bool unchanged = check.recorded && !check.recorded->catalog_digest.empty() &&
                         state.catalog_digest() == check.recorded->catalog_digest;
  check.live = unchanged ? check.recorded->fingerprint : state.fingerprint().value_or("");
  check.recorded_for_heads = check.recorded && same_heads(check.recorded->heads, rows);
  return check;
}

void refuse_if_drifted(SchemaState& state, Journal& journal, const std::vector<std::string>& rows,
                       const std::string& database) {
  if (!state.available()) return;
  auto check = check_fingerprint(state, journal, rows);
  if (!check.recorded_for_heads) {
    spdlog::warn("--check-drift: the journal records no schema fingerprint for {} (the database was last changed "
                 "by an older migrate, by hand, or by a run that stopped between revisions): nothing to compare; "
                 "the schema is recorded by the next run that applies or reverts a revision (this one, if it has "
                 "any to run)",
                 heads_text(rows));
    return;
  }
  if (check.matches()) return;
  throw Error(ErrorKind::drift,
              "the live schema of the database at " + database + " differs from the one recorded when it reached " +
                  heads_text(rows) + " (journal row " + std::to_string(check.recorded->id) + ", " +
                  check.recorded->recorded_at + "): fingerprint " + short_fingerprint(check.live) + " now, " +
                  short_fingerprint(check.recorded->fingerprint) + " then; nothing was changed",
              "run `migrate drift` to see what differs (or diff `migrate dump` against the schema.sql you "
              "committed), bring the schema back or record the change in a revision, then run again");
}

}  // namespace migrate::runtime
