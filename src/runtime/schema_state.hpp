#pragma once
/// The live schema as the runtime sees it (docs/schema.md): the schema model read from the
/// database's catalog with migrate's own tables (version table and journal) left out and,
/// on PostgreSQL, the configured `schemas` only. Used to record fingerprints in the journal,
/// to refuse a run on a drifted database (`--check-drift`) and by `status` and `dump`.

#include <optional>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "runtime/journal.hpp"
#include "runtime/version_table.hpp"
#include "schema/model.hpp"

namespace migrate::runtime {

class SchemaState {
 public:
  /// `vt` as named on `db` (on_connection); `schemas` empty = every non-system schema.
  SchemaState(backend::Backend& db, const VersionTable& vt, std::vector<std::string> schemas);

  /// False when the backend cannot read its schema (then nothing is recorded or checked).
  bool available() const;
  /// What a read covers.
  backend::SchemaScope scope() const;
  /// The live schema, canonicalized. Throws Error{usage} when not available(), the
  /// backend's errors when a catalog query fails.
  schema::Schema read();
  /// fingerprint(read()), or nullopt when not available().
  std::optional<std::string> fingerprint();
  /// The backend's catalog digest; "" when it has none, when not available(), or when the
  /// query fails (a role that may not read a catalog): then the schema is read in full. In a
  /// transaction the query runs under a savepoint, so its failure leaves the transaction
  /// usable.
  std::string catalog_digest();
  /// The fingerprint and the catalog digest, for recording in the journal: a read that
  /// fails is logged as a warning and records nothing (a catalog quirk must not fail a
  /// migration that ran).
  SchemaMark fingerprint_for_journal();
  /// Records no catalog digest: it covers the whole database, so where many schemas share
  /// one (a fleet's tenants) every other tenant's run changes it, and reading it would cost
  /// each tenant the whole catalog.
  void skip_catalog_digest() { m_digest = false; }

 private:
  backend::Backend& m_db;
  VersionTable m_vt;
  std::vector<std::string> m_schemas;
  bool m_digest = true;
};

/// The live fingerprint against the journal's newest recorded one.
struct FingerprintCheck {
  std::string live;
  std::optional<RecordedFingerprint> recorded;
  /// The recorded fingerprint belongs to the heads the database has now (compared as sets);
  /// false also when nothing is recorded.
  bool recorded_for_heads = false;
  bool matches() const { return recorded_for_heads && recorded && recorded->fingerprint == live; }
};

/// Reads both; the caller made sure state.available(). The live fingerprint is the recorded
/// one, without reading the schema, when the live catalog digest equals the one recorded
/// beside it (nothing the model is read from has changed since).
FingerprintCheck check_fingerprint(SchemaState& state, Journal& journal, const std::vector<std::string>& rows);

/// `--check-drift`: Error{drift} (exit 5) when the live fingerprint differs from the one
/// recorded for `rows`, with a hint naming `migrate drift`. Without a fingerprint recorded
/// for these heads (a journal from before fingerprints, a run that died between revisions)
/// there is nothing to compare: a warning says so and the run goes on (it records one).
/// `database` describes the database for the message.
void refuse_if_drifted(SchemaState& state, Journal& journal, const std::vector<std::string>& rows,
                       const std::string& database);

}  // namespace migrate::runtime
