// End-to-end schema commands on both backends: `migrate dump` (SQL that rebuilds an equal
// schema, byte-identical twice, JSON model, --output, unsupported objects), the fingerprint
// each run records in the journal, `--check-drift` / `check_drift` refusing a database whose
// schema was changed by hand (kind drift, exit 5), `status`'s fingerprint line, and
// `dump_after_upgrade` writing schema.sql only when it changed; the catalog digest recorded
// beside a fingerprint standing for it only while nothing the model is read from changed.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// The value of `"key": "..."` in a JSON document ("" when absent).
std::string json_string(const std::string& doc, const std::string& key) {
  auto at = doc.find("\"" + key + "\": \"");
  if (at == std::string::npos) return "";
  at += key.size() + 5;
  return doc.substr(at, doc.find('"', at) - at);
}

class SchemaCliTest : public CliTest {
 protected:
  /// aaa1: a parent and a child table with a foreign key and an index; bbb2: a view and a
  /// column with a default; ccc3: one more table.
  void write_schema_chain() {
    write_revision("aaa1.sql", {"aaa1", "",
                                "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE, "
                                "\"Display Name\" TEXT);\n"
                                "CREATE TABLE orders (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES "
                                "accounts (id) ON DELETE CASCADE, total NUMERIC(12,2) CHECK (total >= 0));\n"
                                "CREATE INDEX orders_account ON orders (account_id, total DESC);",
                                "DROP TABLE orders;\nDROP TABLE accounts;"});
    write_revision("bbb2.sql", {"bbb2", "\"aaa1\"",
                                "ALTER TABLE orders ADD COLUMN status VARCHAR(20) NOT NULL DEFAULT 'new';\n"
                                "CREATE VIEW open_orders AS SELECT id, account_id FROM orders WHERE status = 'new';",
                                "DROP VIEW open_orders;\nALTER TABLE orders DROP COLUMN status;"});
    write_revision("ccc3.sql", {"ccc3", "\"bbb2\"", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);",
                                "DROP TABLE notes;"});
  }

  /// Runs the dump's SQL on the (emptied) database, as `sqlite3` or `psql -f` would.
  void replay(const std::string& sql) const { connect()->execute(sql); }
};

TEST_F(SchemaCliTest, DumpRebuildsAnEqualSchemaAndIsByteIdenticalTwice) {
  write_schema_chain();
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto first = migrate({"dump"});
  ASSERT_EQ(first.status, 0) << describe(first);
  EXPECT_EQ(migrate({"dump"}).out, first.out);
  EXPECT_TRUE(contains(first.out, "accounts")) << first.out;
  EXPECT_TRUE(contains(first.out, "open_orders")) << first.out;
  EXPECT_TRUE(contains(first.out, "\"Display Name\"")) << first.out;
  EXPECT_FALSE(contains(first.out, "migrate_version")) << first.out;  // migrate's own tables are not the schema

  // Empty the database (the version table and journal stay: they are not part of it), then
  // rebuild it from the dump alone.
  ASSERT_EQ(migrate({"downgrade", "base"}).status, 0);
  ASSERT_EQ(migrate({"dump"}).out.find("CREATE TABLE"), std::string::npos);
  replay(first.out);
  auto again = migrate({"dump"});
  ASSERT_EQ(again.status, 0) << describe(again);
  EXPECT_EQ(again.out, first.out);
}

TEST_F(SchemaCliTest, DumpAsJsonIsTheModelWithItsFingerprint) {
  write_schema_chain();
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto json = migrate({"dump", "--format", "json"});
  ASSERT_EQ(json.status, 0) << describe(json);
  EXPECT_TRUE(contains(json.out, "{\"format\": \"migrate-schema-v2\", \"dialect\": \"")) << json.out;
  EXPECT_TRUE(contains(json.out, "\"name\": \"Display Name\"")) << json.out;
  EXPECT_TRUE(contains(json.out, "\"kind\": \"foreign key\"")) << json.out;
  EXPECT_EQ(json_string(json.out, "fingerprint").size(), 64u) << json.out;

  auto sql = migrate({"dump", "--format", "sql", "--output", "schema.sql"});
  ASSERT_EQ(sql.status, 0) << describe(sql);
  EXPECT_EQ(sql.out, "");
  EXPECT_EQ(read_text(m_dir.path() / "schema.sql"), migrate({"dump"}).out);

  auto misuse = migrate({"status", "--format", "sql"});
  EXPECT_EQ(misuse.status, 2) << describe(misuse);
  EXPECT_TRUE(contains(misuse.err, "--format sql goes with `migrate dump` only")) << misuse.err;
}

TEST_F(SchemaCliTest, TheLastStepOfEachRunRecordsTheFingerprintTheDumpReports) {
  write_schema_chain();
  ASSERT_EQ(migrate({"upgrade", "bbb2"}).status, 0);
  auto rows = column("SELECT coalesce(schema_fingerprint, 'NULL') FROM migrate_version_journal ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], "NULL");  // an intermediate step: a full catalog read per revision would be quadratic
  auto live = json_string(migrate({"dump", "--format", "json"}).out, "fingerprint");
  EXPECT_EQ(rows[1], live);

  auto status = migrate({"status"});
  EXPECT_TRUE(contains(status.out, "Schema fingerprint " + live.substr(0, 12) +
                                       " matches the one recorded for the current revisions (journal row 2"))
      << status.out;
}

TEST_F(SchemaCliTest, AnUnchangedCatalogStandsForTheRecordedFingerprintAndEveryChangeIsReadInFull) {
  write_schema_chain();
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  const auto last = "(SELECT max(id) FROM migrate_version_journal)";
  auto digest = column(std::string("SELECT coalesce(catalog_digest, 'NULL') FROM migrate_version_journal WHERE id = ") + last);
  ASSERT_EQ(digest.size(), 1u);
  EXPECT_EQ(digest[0].size(), 64u) << digest[0];

  // A recorded fingerprint no schema has: taken as it is while the catalog is unchanged
  // (nothing was read), refused by a full read otherwise.
  auto truth = column(std::string("SELECT schema_fingerprint FROM migrate_version_journal WHERE id = ") + last)[0];
  exec(std::string("UPDATE migrate_version_journal SET schema_fingerprint = '") + std::string(64, 'f') + "' WHERE id = " + last);
  auto taken = migrate({"status"});
  EXPECT_TRUE(contains(taken.out, "Schema fingerprint ffffffffffff matches")) << taken.out;
  exec("UPDATE migrate_version_journal SET schema_fingerprint = '" + truth + "' WHERE id = " + last);

  exec("INSERT INTO notes (id, body) VALUES (1, 'data is not schema')");
  EXPECT_TRUE(contains(migrate({"status"}).out, "matches the one recorded")) << migrate({"status"}).out;
  EXPECT_EQ(migrate({"check"}).status, 0);
  // Each kind of change by hand, undone before the next: always read, always seen.
  const std::vector<std::pair<std::string, std::string>> changes = {
      {"ALTER TABLE notes ADD COLUMN extra TEXT", "ALTER TABLE notes DROP COLUMN extra"},
      {"CREATE INDEX notes_body ON notes (body)", "DROP INDEX notes_body"},
      {"DROP VIEW open_orders", "CREATE VIEW open_orders AS SELECT id, account_id FROM orders WHERE status = 'new'"},
      {"ALTER TABLE notes RENAME TO notez", "ALTER TABLE notez RENAME TO notes"},
      {k_postgres ? "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$; "
                    "CREATE TRIGGER notes_touch BEFORE UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION touch()"
                  : "CREATE TRIGGER notes_touch AFTER UPDATE ON notes BEGIN SELECT 1; END",
       k_postgres ? "DROP TRIGGER notes_touch ON notes; DROP FUNCTION touch()" : "DROP TRIGGER notes_touch"},
  };
  for (const auto& [change, undo] : changes) {
    exec(change);
    auto status = migrate({"status"});
    EXPECT_TRUE(contains(status.out, "differs from the one recorded")) << change << "\n" << status.out;
    EXPECT_EQ(migrate({"upgrade", "head", "--check-drift"}).status, 5) << change;
    EXPECT_EQ(migrate({"check"}).status, 1) << change;
    exec(undo);
    status = migrate({"status"});
    EXPECT_TRUE(contains(status.out, "matches the one recorded")) << undo << "\n" << status.out;
  }
}

TEST_F(SchemaCliTest, AOneStepRunOnAFreshDatabaseRecordsADigestThatStandsAfterwards) {
  // In one transaction for the run, the journal is created with the step that records the
  // fingerprint: the digest must be read after it, or it would never match the catalog again.
  write_schema_chain();
  write_config("transaction_per_migration = false");
  ASSERT_EQ(migrate({"upgrade", "aaa1"}).status, 0);
  exec("UPDATE migrate_version_journal SET schema_fingerprint = '" + std::string(64, 'f') + "'");
  auto status = migrate({"status"});
  EXPECT_TRUE(contains(status.out, "Schema fingerprint ffffffffffff matches")) << status.out;
}

TEST_F(SchemaCliTest, AJournalWithoutTheDigestColumnIsReadInFull) {
  write_schema_chain();
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  exec("ALTER TABLE migrate_version_journal DROP COLUMN catalog_digest");  // as an older release left it
  auto status = migrate({"status"});
  EXPECT_EQ(status.status, 0) << describe(status);
  EXPECT_TRUE(contains(status.out, "matches the one recorded")) << status.out;
  exec("ALTER TABLE notes ADD COLUMN extra TEXT");
  EXPECT_TRUE(contains(migrate({"status"}).out, "differs from the one recorded")) << migrate({"status"}).out;
  EXPECT_EQ(migrate({"check"}).status, 1);
}

TEST_F(SchemaCliTest, CheckDriftRefusesASchemaChangedByHandAndNamesMigrateDrift) {
  write_schema_chain();
  ASSERT_EQ(migrate({"upgrade", "bbb2"}).status, 0);
  ASSERT_EQ(migrate({"upgrade", "head", "--check-drift", "--plan"}).status, 2);  // --plan changes nothing
  exec("ALTER TABLE accounts DROP COLUMN \"Display Name\"");

  auto refused = migrate({"upgrade", "head", "--check-drift"});
  EXPECT_EQ(refused.status, 5) << describe(refused);
  EXPECT_TRUE(contains(refused.err, "differs from the one recorded when it reached bbb2")) << refused.err;
  EXPECT_TRUE(contains(refused.err, "`migrate drift`")) << refused.err;
  EXPECT_FALSE(has_table("notes"));  // nothing ran
  EXPECT_EQ(version_rows(), std::vector<std::string>{"bbb2"});

  auto json = migrate({"upgrade", "head", "--check-drift", "--format", "json"});
  EXPECT_EQ(json.status, 5);
  EXPECT_TRUE(contains(json.out, "\"kind\": \"drift\"")) << json.out;

  write_config("check_drift = true");  // the configuration's switch refuses the same way
  EXPECT_EQ(migrate({"downgrade", "-1"}).status, 5);
  auto status = migrate({"status"});
  EXPECT_TRUE(contains(status.out, "differs from the one recorded for the current revisions")) << status.out;

  write_config("");  // without the check the run goes on, and records the schema it leaves
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  EXPECT_EQ(migrate({"upgrade", "head", "--check-drift"}).status, 0);
}

TEST_F(SchemaCliTest, CheckDriftAtHeadIsCheckedToo) {
  write_schema_chain();
  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  auto clean = migrate({"upgrade", "head", "--check-drift"});
  EXPECT_EQ(clean.status, 0) << describe(clean);
  exec("ALTER TABLE notes ADD COLUMN added_by_hand TEXT");
  auto refused = migrate({"upgrade", "head", "--check-drift"});
  EXPECT_EQ(refused.status, 5) << describe(refused);
}

TEST_F(SchemaCliTest, CheckDriftWithoutARecordedFingerprintWarnsAndGoesOn) {
  write_schema_chain();
  ASSERT_EQ(migrate({"upgrade", "aaa1"}).status, 0);
  exec("UPDATE migrate_version_journal SET schema_fingerprint = NULL");  // as an older migrate left it
  auto r = migrate({"upgrade", "head", "--check-drift"});
  EXPECT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(contains(r.err, "warning: --check-drift: the journal records no schema fingerprint for aaa1")) << r.err;
  EXPECT_TRUE(has_table("notes"));
}

TEST_F(SchemaCliTest, DumpAfterUpgradeWritesTheSchemaOnlyWhenItChanged) {
  write_schema_chain();
  write_config("dump_after_upgrade = \"db/schema.sql\"");
  std::filesystem::create_directories(m_dir.path() / "db");
  ASSERT_EQ(migrate({"upgrade", "aaa1"}).status, 0);
  auto path = m_dir.path() / "db" / "schema.sql";
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(read_text(path), migrate({"dump"}).out);

  auto old_time = std::filesystem::file_time_type::clock::now() - std::chrono::hours(24);
  std::filesystem::last_write_time(path, old_time);
  ASSERT_EQ(migrate({"upgrade", "aaa1"}).status, 0);  // nothing changed: the file is not touched
  EXPECT_EQ(std::filesystem::last_write_time(path), old_time);

  ASSERT_EQ(migrate({"upgrade", "head"}).status, 0);
  EXPECT_NE(std::filesystem::last_write_time(path), old_time);
  EXPECT_TRUE(contains(read_text(path), "notes"));
  ASSERT_EQ(migrate({"downgrade", "-1"}).status, 0);
  EXPECT_FALSE(contains(read_text(path), "notes"));
  EXPECT_EQ(read_text(path), migrate({"dump"}).out);
}

TEST_F(SchemaCliTest, AnObjectTheModelCannotRepresentIsNamedNeverLeftOutSilently) {
  write_schema_chain();
  ASSERT_EQ(migrate({"upgrade", "aaa1"}).status, 0);
  exec(k_postgres ? "CREATE RULE orders_keep AS ON DELETE TO orders DO INSTEAD NOTHING"
                  : "CREATE VIRTUAL TABLE docs USING fts5(body)");
  auto refused = migrate({"dump"});
  EXPECT_EQ(refused.status, 2) << describe(refused);
  EXPECT_TRUE(contains(refused.err, k_postgres ? "orders_keep" : "docs")) << refused.err;
  EXPECT_TRUE(contains(refused.err, "--ignore-unsupported")) << refused.err;
  auto json = migrate({"dump", "--format", "json"});
  EXPECT_TRUE(contains(json.out, "\"kind\": \"unsupported_object\"")) << json.out;

  auto rest = migrate({"dump", "--ignore-unsupported"});
  EXPECT_EQ(rest.status, 0) << describe(rest);
  EXPECT_TRUE(contains(rest.err, "warning: left out of the dump:")) << rest.err;
  EXPECT_TRUE(contains(rest.out, "accounts")) << rest.out;
}

}  // namespace
}  // namespace migrate::test
