// Journal (runtime/journal.hpp) on real SQLite files: columns, round trips, the partial
// rule, recorded checksums, stored copies, and a journal made by the previous release.

#include "runtime/journal.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <fstream>

#include "backend/sql_dialect.hpp"
#include "graph/revision_map.hpp"
#include "runtime/runner.hpp"
#include "runtime/validation.hpp"
#include "support/temp_dir.hpp"
#include "unit/runtime/runtime_fixture.hpp"
#include "util/sha256.hpp"

namespace migrate {
namespace {

using graph::VersionOp;
using runtime::Journal;
using runtime::JournalEntry;

// The journal DDL of the release before the journal kept copies and statement hashes, verbatim.
constexpr const char* k_old_journal_ddl =
    "CREATE TABLE IF NOT EXISTS migrate_version_journal (\n"
    "    id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "    revision VARCHAR(32),\n"
    "    direction VARCHAR(16) NOT NULL,\n"
    "    command VARCHAR(32),\n"
    "    heads_before TEXT NOT NULL,\n"
    "    heads_after TEXT NOT NULL,\n"
    "    checksum VARCHAR(64),\n"
    "    file_path TEXT,\n"
    "    message TEXT,\n"
    "    downgrade_sql TEXT,\n"
    "    status VARCHAR(16) NOT NULL,\n"
    "    statements_done INTEGER NOT NULL DEFAULT 0,\n"
    "    statements_total INTEGER NOT NULL DEFAULT 0,\n"
    "    error TEXT,\n"
    "    started_at VARCHAR(32) NOT NULL,\n"
    "    finished_at VARCHAR(32),\n"
    "    duration_ms INTEGER,\n"
    "    db_user TEXT,\n"
    "    os_user TEXT,\n"
    "    host TEXT,\n"
    "    tool_version VARCHAR(32),\n"
    "    reason TEXT\n"
    ")";

JournalEntry entry(const std::string& revision, const std::string& direction, const std::string& status,
                   const std::string& command = "") {
  JournalEntry e;
  e.revision = revision;
  e.direction = direction;
  e.command = command.empty() ? direction : command;
  e.status = status;
  e.started_at = "2026-11-21T10:00:00.000Z";
  return e;
}

std::vector<std::string> ids_of(const std::vector<JournalEntry>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.revision + "#" + std::to_string(r.id));
  return out;
}

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override { db = backend::open("sqlite:///" + (dir.path() / "app.db").string()); }

  std::vector<std::string> column_list() {
    std::vector<std::string> out;
    for (auto& row : db->query("PRAGMA table_info(migrate_version_journal)")) out.push_back(*row.at(1));
    return out;
  }

  test::TempDir dir;
  std::unique_ptr<backend::Backend> db;
  runtime::VersionTable vt;
};

TEST_F(JournalTest, EnsureCreatesEveryColumnAndIsIdempotent) {
  Journal journal(*db, vt);
  EXPECT_FALSE(journal.exists());
  EXPECT_TRUE(journal.columns().empty());
  journal.ensure();
  journal.ensure();
  EXPECT_TRUE(journal.exists());
  std::vector<std::string> expected = {"id"};
  for (const auto& c : backend::sql::journal_columns(Dialect::sqlite)) expected.push_back(c.name);
  EXPECT_EQ(column_list(), expected);
  EXPECT_EQ(journal.columns(), expected);
}

TEST_F(JournalTest, ReadsWithoutAJournalReturnNothingAndCreateNothing) {
  Journal journal(*db, vt);
  EXPECT_TRUE(journal.partial().empty());
  EXPECT_TRUE(journal.all().empty());
  EXPECT_FALSE(journal.recorded_checksum("a"));
  EXPECT_TRUE(journal.recorded_checksums().empty());
  EXPECT_FALSE(journal.stored_copy("a"));
  EXPECT_FALSE(journal.exists());
}

TEST_F(JournalTest, AppendRoundTripsEveryField) {
  Journal journal(*db, vt);
  JournalEntry e = entry("b", "upgrade", "applied");
  e.heads_before = {"a", "x"};
  e.heads_after = {"b", "x"};
  e.checksum = std::string(64, 'f');
  e.checksum_algorithm = runtime::k_checksum_algorithm;
  e.file_path = "versions/b.sql";
  e.message = "it's b";
  e.file_content = "-- migrate:revision\n-- revision = \"b\"\n\n-- migrate:upgrade\nCREATE TABLE b (x);\n";
  e.downgrade_sql = "DROP TABLE b;\n";
  e.has_downgrade = true;
  e.statement_hashes = {util::sha256_hex("CREATE TABLE b (x)"), util::sha256_hex("INSERT INTO b VALUES ('1')")};
  e.version_ops = {VersionOp::update("a", "b")};
  e.statements_done = 2;
  e.statements_total = 2;
  e.finished_at = "2026-11-21T10:00:01.000Z";
  e.duration_ms = 1000;
  e.db_user = "";
  e.os_user = "ops";
  e.host = "box";
  e.tool_version = "1.2.3";
  e.reason = "because";
  e.schema_fingerprint = std::string(64, 'a');
  e.catalog_digest = std::string(64, 'd');
  auto id = journal.append(e);
  EXPECT_GT(id, 0);
  auto rows = journal.all();
  ASSERT_EQ(rows.size(), 1u);
  auto& r = rows[0];
  EXPECT_EQ(r.id, id);
  EXPECT_EQ(r.revision, "b");
  EXPECT_EQ(r.direction, "upgrade");
  EXPECT_EQ(r.command, "upgrade");
  EXPECT_EQ(r.heads_before, e.heads_before);
  EXPECT_EQ(r.heads_after, e.heads_after);
  EXPECT_EQ(r.checksum, e.checksum);
  EXPECT_EQ(r.checksum_algorithm, "sha256-lf-v1");
  EXPECT_EQ(r.file_path, e.file_path);
  EXPECT_EQ(r.message, e.message);
  EXPECT_EQ(r.file_content, e.file_content);
  EXPECT_EQ(r.downgrade_sql, e.downgrade_sql);
  EXPECT_TRUE(r.has_downgrade);
  EXPECT_EQ(r.statement_hashes, e.statement_hashes);
  EXPECT_EQ(r.version_ops, e.version_ops);
  EXPECT_EQ(r.status, "applied");
  EXPECT_EQ(r.statements_done, 2);
  EXPECT_EQ(r.statements_total, 2);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.started_at, e.started_at);
  EXPECT_EQ(r.finished_at, e.finished_at);
  EXPECT_EQ(r.duration_ms, 1000);
  EXPECT_EQ(r.os_user, "ops");
  EXPECT_EQ(r.host, "box");
  EXPECT_EQ(r.tool_version, "1.2.3");
  EXPECT_EQ(r.reason, "because");
  EXPECT_EQ(r.schema_fingerprint, e.schema_fingerprint);
  EXPECT_EQ(r.catalog_digest, e.catalog_digest);
  // history(): everything but the large columns; outcomes(): only what `status` shows.
  auto small = journal.history().at(0);
  EXPECT_EQ(small.message, e.message);
  EXPECT_EQ(small.catalog_digest, e.catalog_digest);
  EXPECT_EQ(small.file_content, "");
  EXPECT_EQ(small.downgrade_sql, "");
  EXPECT_TRUE(small.statement_hashes.empty());
  auto outcome = journal.outcomes().at(0);
  EXPECT_EQ(outcome.id, id);
  EXPECT_EQ(outcome.revision, "b");
  EXPECT_EQ(outcome.direction, "upgrade");
  EXPECT_EQ(outcome.command, "upgrade");
  EXPECT_EQ(outcome.status, "applied");
  EXPECT_EQ(outcome.heads_before, e.heads_before);
  EXPECT_EQ(outcome.heads_after, e.heads_after);
  EXPECT_EQ(outcome.started_at, e.started_at);
  EXPECT_EQ(outcome.finished_at, e.finished_at);
  EXPECT_EQ(outcome.duration_ms, 1000);
  EXPECT_EQ(outcome.os_user, "ops");
  EXPECT_EQ(outcome.host, "box");
  EXPECT_EQ(outcome.message, "");
  EXPECT_EQ(outcome.checksum, "");
  EXPECT_EQ(outcome.reason, "");
  EXPECT_TRUE(outcome.version_ops.empty());
  // for_each_outcome(): the same rows, handed over one at a time.
  std::vector<JournalEntry> streamed;
  journal.for_each_outcome([&streamed](JournalEntry&& row) { streamed.push_back(std::move(row)); });
  ASSERT_EQ(streamed.size(), 1u);
  EXPECT_EQ(streamed[0].id, outcome.id);
  EXPECT_EQ(streamed[0].heads_after, outcome.heads_after);
  EXPECT_EQ(streamed[0].host, outcome.host);
  EXPECT_EQ(streamed[0].message, "");
  ASSERT_TRUE(journal.get(id));
  EXPECT_EQ(journal.get(id)->file_content, e.file_content);
  EXPECT_FALSE(journal.get(id + 1));
  // "" is stored as NULL where the column is nullable.
  auto nulls = db->query("SELECT error IS NULL, reason IS NULL, file_content IS NULL FROM migrate_version_journal");
  EXPECT_EQ(*nulls.at(0).at(0), "1");
  EXPECT_EQ(*nulls.at(0).at(1), "0");
}

TEST_F(JournalTest, OutcomesHandedOneByOneComeOldestFirstAsTheListDoes) {
  Journal journal(*db, vt);
  std::vector<long long> ids;
  for (const char* revision : {"c", "a", "b"}) ids.push_back(journal.append(entry(revision, "upgrade", "applied")));
  std::vector<long long> streamed;
  std::vector<std::string> revisions;
  journal.for_each_outcome([&](JournalEntry&& row) {
    streamed.push_back(row.id);
    revisions.push_back(row.revision);
  });
  EXPECT_EQ(streamed, ids);
  EXPECT_EQ(revisions, (std::vector<std::string>{"c", "a", "b"}));
  std::vector<long long> listed;
  for (const auto& row : journal.outcomes()) listed.push_back(row.id);
  EXPECT_EQ(listed, ids);
}

TEST_F(JournalTest, EmptyDowngradeSectionIsStoredAsEmptyNotNull) {
  Journal journal(*db, vt);
  auto e = entry("a", "upgrade", "applied");
  e.has_downgrade = true;
  journal.append(e);
  auto irreversible = entry("b", "upgrade", "applied");
  journal.append(irreversible);
  auto rows = journal.all();
  EXPECT_TRUE(rows[0].has_downgrade);
  EXPECT_FALSE(rows[1].has_downgrade);
  EXPECT_EQ(db->query("SELECT downgrade_sql IS NULL FROM migrate_version_journal ORDER BY id").at(0).at(0), "0");
}

TEST_F(JournalTest, ProgressAndFinish) {
  Journal journal(*db, vt);
  auto e = entry("b", "upgrade", "running");
  e.heads_before = e.heads_after = {"a"};
  e.statements_total = 3;
  auto id = journal.append(e);
  journal.set_progress(id, 2);
  EXPECT_EQ(journal.get(id)->statements_done, 2);
  EXPECT_EQ(journal.get(id)->finished_at, "");
  journal.finish(id, "failed", 2, "boom", {"a"}, 42);
  auto r = *journal.get(id);
  EXPECT_EQ(r.status, "failed");
  EXPECT_EQ(r.error, "boom");
  EXPECT_EQ(r.duration_ms, 42);
  EXPECT_EQ(r.finished_at.size(), 24u) << r.finished_at;
  EXPECT_EQ(r.finished_at.back(), 'Z');
}

TEST_F(JournalTest, PartialRule) {
  Journal journal(*db, vt);
  auto failed_b = journal.append(entry("b", "upgrade", "failed"));
  auto running_c = journal.append(entry("c", "downgrade", "running"));
  journal.append(entry("d", "upgrade", "rolled_back"));  // history only, never partial
  journal.append(entry("e", "upgrade", "applied"));
  EXPECT_EQ(ids_of(journal.partial()),
            (std::vector<std::string>{"b#" + std::to_string(failed_b), "c#" + std::to_string(running_c)}));

  // A repair of another revision, or one that did not finish, resolves nothing.
  journal.append(entry("c", "repair", "applied", "repair --mark-applied"));
  journal.append(entry("b", "repair", "failed", "repair --resume"));
  EXPECT_EQ(ids_of(journal.partial()), (std::vector<std::string>{"b#" + std::to_string(failed_b)}));

  // A repair of b resolves b.
  journal.append(entry("b", "repair", "applied", "repair --resume"));
  EXPECT_TRUE(journal.partial().empty());

  // A stamp resolves every partial row before it, whatever its revision.
  journal.append(entry("f", "upgrade", "failed"));
  journal.append(entry("g", "upgrade", "running"));
  EXPECT_EQ(journal.partial().size(), 2u);
  journal.append(entry("", "stamp", "applied"));
  EXPECT_TRUE(journal.partial().empty());
  // ... but not the ones after it.
  journal.append(entry("h", "downgrade", "failed"));
  EXPECT_EQ(journal.partial().size(), 1u);
}

TEST_F(JournalTest, RecordedChecksumIsTheNewestAcceptedOne) {
  Journal journal(*db, vt);
  auto with_sum = [](JournalEntry e, char c) {
    e.checksum = std::string(64, c);
    e.checksum_algorithm = runtime::k_checksum_algorithm;
    return e;
  };
  // recorded_checksum and the batched recorded_checksums apply the same rule.
  auto expect_recorded = [&](const std::string& rev, char c) {
    ASSERT_TRUE(journal.recorded_checksum(rev));
    EXPECT_EQ(journal.recorded_checksum(rev)->checksum, std::string(64, c));
    auto all = journal.recorded_checksums();
    ASSERT_TRUE(all.count(rev));
    EXPECT_EQ(all.at(rev).checksum, std::string(64, c));
    EXPECT_EQ(all.at(rev).id, journal.recorded_checksum(rev)->id);
    EXPECT_EQ(all.at(rev).checksum_algorithm, runtime::k_checksum_algorithm);
  };
  journal.append(with_sum(entry("a", "upgrade", "applied"), '1'));
  expect_recorded("a", '1');
  journal.append(with_sum(entry("a", "downgrade", "applied"), '2'));                         // not an upgrade
  journal.append(with_sum(entry("a", "upgrade", "failed"), '3'));                            // not applied
  journal.append(with_sum(entry("a", "repair", "applied", "repair --mark-reverted"), '4'));  // not a record
  journal.append(with_sum(entry("a", "repair", "running", "repair --resume"), '4'));         // not applied
  journal.append(entry("a", "upgrade", "applied"));                                          // no checksum
  journal.append(entry("a", "repair", "applied", "repair --mark-applied"));                  // no checksum
  expect_recorded("a", '1');
  journal.append(with_sum(entry("a", "repair", "applied", "repair --accept-checksum"), '5'));
  expect_recorded("a", '5');
  journal.append(with_sum(entry("a", "repair", "applied", "repair --resume"), '6'));
  expect_recorded("a", '6');
  journal.append(with_sum(entry("a", "repair", "applied", "repair --mark-applied"), '7'));
  expect_recorded("a", '7');
  journal.append(with_sum(entry("b", "stamp", "applied"), '8'));  // a stamp records no checksum
  EXPECT_FALSE(journal.recorded_checksum("b"));
  EXPECT_EQ(journal.recorded_checksums().size(), 1u);
}

TEST_F(JournalTest, StoredCopyIsTheNewestUpgradeOrRecordingRepairWithContent) {
  Journal journal(*db, vt);
  auto with_content = [](JournalEntry e, const std::string& text) {
    e.file_content = text;
    return e;
  };
  journal.append(with_content(entry("a", "upgrade", "applied"), "v1"));
  journal.append(with_content(entry("a", "upgrade", "failed"), "v2"));
  journal.append(entry("a", "upgrade", "applied"));  // no content
  journal.append(with_content(entry("a", "downgrade", "applied"), "not a copy"));
  journal.append(with_content(entry("a", "repair", "applied", "repair --mark-reverted"), "not a copy"));
  journal.append(with_content(entry("a", "stamp", "applied"), "not a copy"));
  EXPECT_EQ(journal.stored_copy("a")->file_content, "v2");
  // The repairs that take a file as applied make it the copy, whatever their status.
  journal.append(with_content(entry("a", "repair", "failed", "repair --resume"), "v3"));
  EXPECT_EQ(journal.stored_copy("a")->file_content, "v3");
  journal.append(with_content(entry("a", "repair", "applied", "repair --resume"), "v4"));
  EXPECT_EQ(journal.stored_copy("a")->file_content, "v4");
  journal.append(with_content(entry("a", "repair", "applied", "repair --accept-checksum"), "v5"));
  EXPECT_EQ(journal.stored_copy("a")->file_content, "v5");
  journal.append(with_content(entry("a", "repair", "applied", "repair --mark-applied"), "v6"));
  EXPECT_EQ(journal.stored_copy("a")->file_content, "v6");
  journal.append(entry("a", "repair", "applied", "repair --mark-applied"));  // file gone: no content
  EXPECT_EQ(journal.stored_copy("a")->file_content, "v6");
  journal.append(with_content(entry("a", "upgrade", "applied"), "v7"));
  EXPECT_EQ(journal.stored_copy("a")->file_content, "v7");
  EXPECT_FALSE(journal.stored_copy("b"));
}

TEST_F(JournalTest, VersionOpsEncoding) {
  std::vector<VersionOp> ops = {VersionOp::insert("a"), VersionOp::update("a", "b"), VersionOp::remove("c")};
  EXPECT_EQ(runtime::encode_version_ops(ops), "insert a\nupdate a b\ndelete c");
  EXPECT_EQ(runtime::decode_version_ops("insert a\nupdate a b\ndelete c"), ops);
  EXPECT_TRUE(runtime::decode_version_ops("").empty());
  try {
    runtime::decode_version_ops("insert a\nmove a b");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::database);
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
}

TEST_F(JournalTest, StatementHashesFollowTheSplitter) {
  auto hashes = runtime::statement_hashes("CREATE TABLE a (x);\n  INSERT INTO a VALUES (';');\n", Dialect::sqlite);
  EXPECT_EQ(hashes, (std::vector<std::string>{util::sha256_hex("CREATE TABLE a (x)"),
                                               util::sha256_hex("INSERT INTO a VALUES (';')")}));
  EXPECT_TRUE(runtime::statement_hashes("-- nothing\n", Dialect::sqlite).empty());
}

TEST_F(JournalTest, JournalOfThePreviousReleaseIsReadAsIsAndUpgradedByEnsure) {
  db->execute(k_old_journal_ddl);
  db->execute(
      "INSERT INTO migrate_version_journal (revision, direction, command, heads_before, heads_after, checksum, "
      "file_path, downgrade_sql, status, statements_done, statements_total, error, started_at) VALUES "
      "('a', 'upgrade', 'upgrade', '', 'a', 'abc', 'versions/a.sql', 'DROP TABLE a;', 'applied', 1, 1, NULL, "
      "'2026-11-01T00:00:00.000Z'), "
      "('b', 'upgrade', 'upgrade', 'a', 'a', 'def', 'versions/b.sql', NULL, 'failed', 1, 3, 'boom', "
      "'2026-11-02T00:00:00.000Z')");
  auto old_columns = column_list();
  Journal journal(*db, vt);

  // Reads work on the old table and do not change it.
  auto partial = journal.partial();
  ASSERT_EQ(partial.size(), 1u);
  EXPECT_EQ(partial[0].revision, "b");
  EXPECT_EQ(partial[0].error, "boom");
  EXPECT_EQ(journal.recorded_checksum("a")->checksum, "abc");
  auto recorded = journal.recorded_checksums();
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded.at("a").checksum, "abc");
  EXPECT_EQ(recorded.at("a").checksum_algorithm, "");
  EXPECT_FALSE(journal.stored_copy("a"));
  auto rows = journal.all();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0].has_downgrade);  // inferred: it stored downgrade_sql
  EXPECT_FALSE(rows[1].has_downgrade);
  EXPECT_TRUE(rows[0].version_ops.empty());
  EXPECT_EQ(column_list(), old_columns);

  // ensure() adds the new columns; old rows keep their values and read NULL in the new ones.
  journal.ensure();
  std::vector<std::string> expected = {"id"};
  for (const auto& c : backend::sql::journal_columns(Dialect::sqlite)) expected.push_back(c.name);
  EXPECT_EQ(column_list(), expected);
  journal.ensure();
  EXPECT_EQ(column_list(), expected);
  rows = journal.all();
  EXPECT_EQ(rows[0].checksum, "abc");
  EXPECT_TRUE(rows[0].has_downgrade);
  EXPECT_EQ(rows[0].checksum_algorithm, "");

  auto e = entry("b", "repair", "applied", "repair --mark-applied");
  e.reason = "fixed by hand";
  e.version_ops = {VersionOp::update("a", "b")};
  journal.append(e);
  EXPECT_TRUE(journal.partial().empty());
  EXPECT_EQ(journal.all().back().version_ops, e.version_ops);
}

TEST_F(JournalTest, RunnerUpgradesAnOldJournalAndWritesEveryColumn) {
  spdlog::set_level(spdlog::level::warn);
  db->execute(k_old_journal_ddl);
  // A real revision file with a BOM and CRLF line ends.
  std::string text =
      "-- migrate:revision\n-- revision = \"a\"\n-- message = \"first\"\n\n-- migrate:upgrade\n"
      "CREATE TABLE ta (x INTEGER);\nINSERT INTO ta VALUES (1);\n\n-- migrate:downgrade\nDROP TABLE ta;\n";
  auto path = dir.path() / "a.sql";
  {
    std::ofstream out(path, std::ios::binary);
    out << "\xEF\xBB\xBF";
    for (char c : text) c == '\n' ? out << "\r\n" : out << c;
  }
  test::Files files;
  auto file = test::revision("a", {}, "CREATE TABLE ta (x INTEGER);\nINSERT INTO ta VALUES (1);\n", "DROP TABLE ta;\n");
  file.path = path;
  file.checksum = util::sha256(text);
  files.add(file);
  runtime::RunSettings settings;
  settings.command = runtime::Command::upgrade;
  runtime::Runner(*db, settings, files.lookup()).run(test::linear_upgrade({"a"}));

  Journal journal(*db, vt);
  auto rows = journal.all();
  ASSERT_EQ(rows.size(), 1u);
  auto& r = rows[0];
  EXPECT_EQ(r.status, "applied");
  EXPECT_EQ(r.checksum, file.checksum);
  EXPECT_EQ(r.checksum_algorithm, "sha256-lf-v1");
  EXPECT_EQ(r.file_content, text);
  EXPECT_EQ(r.downgrade_sql, "DROP TABLE ta;\n");
  EXPECT_TRUE(r.has_downgrade);
  EXPECT_EQ(r.statement_hashes, (std::vector<std::string>{util::sha256_hex("CREATE TABLE ta (x INTEGER)"),
                                                           util::sha256_hex("INSERT INTO ta VALUES (1)")}));
  EXPECT_EQ(r.version_ops, (std::vector<VersionOp>{VersionOp::insert("a")}));
  EXPECT_EQ(r.statements_total, 2);
  EXPECT_EQ(r.heads_after, (std::vector<std::string>{"a"}));
  EXPECT_EQ(journal.recorded_checksum("a")->checksum, file.checksum);
  EXPECT_EQ(journal.stored_copy("a")->file_content, text);
}

}  // namespace
}  // namespace migrate

namespace migrate {
namespace {

// Validation compares each applied file with the newest recorded checksum of its revision,
// read row by row: an older row does not count, a row written under another checksum rule
// cannot be compared, and a recorded value that is no SHA-256 is shown as written.
TEST_F(JournalTest, ValidationComparesEachFileWithItsNewestComparableRecordedChecksum) {
  Journal journal(*db, vt);
  test::Files files;
  std::vector<graph::RevisionSpec> specs;
  for (const char* id : {"a", "b", "c", "d", "e"}) {
    files.add(test::revision(id, specs.empty() ? std::vector<std::string>{} : std::vector<std::string>{specs.back().id},
                             "SELECT 1;"));
    specs.push_back({id, specs.empty() ? std::vector<std::string>{} : std::vector<std::string>{specs.back().id}});
  }
  const graph::RevisionMap map(specs);
  auto record = [&](const std::string& rev, const std::string& checksum, const std::string& algorithm) {
    JournalEntry e = entry(rev, "upgrade", "applied");
    e.checksum = checksum;
    e.checksum_algorithm = algorithm;
    return journal.append(e);
  };
  const std::string rule = runtime::k_checksum_algorithm;
  record("a", util::sha256_hex("an older text"), rule);  // replaced by the next row
  record("a", files.by_id["a"].checksum.hex(), rule);
  record("b", files.by_id["b"].checksum.hex(), rule);
  record("b", util::sha256_hex("edited"), rule);
  record("c", util::sha256_hex("another rule's"), "sha256-other-v9");
  record("d", "not-a-sha", "");
  std::string upper = files.by_id["e"].checksum.hex();  // not as migrate writes it: compared as text
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  record("e", upper, rule);
  const auto has_file = [](const std::string&) { return true; };
  const auto report = runtime::validate_applied(map, {"e"}, files.lookup(), has_file, *db, vt);
  ASSERT_EQ(report.mismatches.size(), 3u);
  EXPECT_EQ(report.mismatches[0].revision, "e");  // the row first, then its ancestors in load order
  EXPECT_EQ(report.mismatches[0].recorded_checksum, upper);
  EXPECT_EQ(report.mismatches[2].revision, "d");
  EXPECT_EQ(report.mismatches[2].recorded_checksum, "not-a-sha");
  EXPECT_EQ(report.mismatches[1].revision, "b");
  EXPECT_EQ(report.mismatches[1].recorded_checksum, util::sha256_hex("edited"));
  EXPECT_EQ(report.mismatches[1].file_checksum, files.by_id["b"].checksum.hex());
}

}  // namespace
}  // namespace migrate
