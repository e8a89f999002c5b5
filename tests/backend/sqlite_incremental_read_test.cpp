// SqliteBackend::read_schema_since, the read in part that `drift --identify` takes after each
// revision: through a varied history of schema changes, each read in part is exactly the
// model a full read returns; unchanged tables really are taken from the last read; and what
// it cannot follow safely is read whole. And SqliteBackend::catalog_digest, which lets a
// recorded fingerprint stand for the live one: through the same history, two states with
// the same digest always have the same model, and a change of data keeps the digest. And
// SqliteBackend::fingerprint, which reads a large schema a batch of tables at a time: in
// batches of one, two or all tables, it is always the full read's fingerprint.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backend/sqlite/sqlite_backend.hpp"
#include "schema/model.hpp"
#include "support/temp_dir.hpp"

namespace migrate::backend {
namespace {

class SqliteIncrementalReadTest : public ::testing::Test {
 protected:
  SqliteIncrementalReadTest() : m_db(std::make_unique<sqlite::SqliteBackend>((m_dir.path() / "db.sqlite").string())) {
    m_scope.excluded = {{"", "migrate_version"}, {"", "migrate_journal"}};
  }

  /// Runs `sql`, then reads the schema in part since the last step and whole: they must agree;
  /// a catalog digest seen before must come with the model it came with then.
  void step(const std::string& sql) {
    m_db->execute_script(sql);
    auto next = m_db->read_schema_since(m_scope, std::move(m_last));
    const auto full = m_db->read_schema(m_scope);
    EXPECT_EQ(schema::canonical_text(next.schema), schema::canonical_text(full)) << "after: " << sql;
    EXPECT_EQ(schema::fingerprint(next.schema), schema::fingerprint(full)) << "after: " << sql;
    for (std::size_t batch : {1, 2, 1000}) {  // the fingerprint read a batch of tables at a time
      m_db->set_fingerprint_batch(batch);
      EXPECT_EQ(m_db->fingerprint(m_scope), schema::fingerprint(full)) << "batches of " << batch << ", after: " << sql;
    }
    const auto digest = m_db->catalog_digest(m_scope);
    EXPECT_EQ(digest.size(), 64u);
    const auto [seen, added] = m_fingerprints.emplace(digest, schema::fingerprint(full));
    if (!added) EXPECT_EQ(seen->second, schema::fingerprint(full)) << "one digest, two models, after: " << sql;
    m_last = std::move(next);
  }

  test::TempDir m_dir;
  std::unique_ptr<sqlite::SqliteBackend> m_db;
  SchemaScope m_scope;
  SchemaSnapshot m_last;
  std::map<std::string, std::string> m_fingerprints;  ///< catalog digest -> the model's fingerprint
};

TEST_F(SqliteIncrementalReadTest, EveryStepOfAVariedHistoryReadsAsAFullRead) {
  const std::vector<std::string> history = {
      "",
      "CREATE TABLE migrate_version (version_num TEXT PRIMARY KEY)",
      "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE COLLATE NOCASE)",
      "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES USERS (ID) ON DELETE CASCADE, "
      "title TEXT); CREATE INDEX posts_user ON posts (user_id)",
      // A foreign key to a table that does not exist yet, then the table, spelt differently:
      // the child's parent is resolved anew though the child's own row did not change.
      "CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER, parent_ref INTEGER, "
      "CONSTRAINT fk_parent FOREIGN KEY (parent_ref) REFERENCES later_parent (code))",
      "CREATE TABLE Later_Parent (CODE INTEGER PRIMARY KEY, label TEXT)",
      "ALTER TABLE posts ADD COLUMN body TEXT DEFAULT ('')",
      "CREATE VIEW user_posts AS SELECT u.email AS email, p.title FROM users u JOIN posts p ON p.user_id = u.id",
      "CREATE VIEW user_post_count AS SELECT email, count(*) AS n FROM user_posts GROUP BY email",
      "CREATE TRIGGER posts_touch AFTER UPDATE ON posts BEGIN UPDATE users SET email = email WHERE id = NEW.user_id; "
      "END",
      // Double-quoted names read as columns only where the relations read have such columns.
      "CREATE VIEW quoted AS SELECT \"title\", \"nope\" FROM posts; CREATE TRIGGER quoted_touch AFTER INSERT ON "
      "later_parent WHEN NEW.\"label\" IS NOT NULL BEGIN UPDATE posts SET title = \"title\"; END",
      "ALTER TABLE posts ADD COLUMN nope TEXT",
      "ALTER TABLE users RENAME COLUMN email TO mail",
      "ALTER TABLE Later_Parent RENAME COLUMN CODE TO code_id",
      // A rebuild, as the planner writes one.
      "CREATE TABLE new_comments (id INTEGER PRIMARY KEY, post_id INTEGER REFERENCES posts (id), parent_ref "
      "INTEGER REFERENCES later_parent (code_id), stars INTEGER NOT NULL DEFAULT 0 CHECK (stars >= 0)); "
      "INSERT INTO new_comments (id, post_id, parent_ref) SELECT id, post_id, parent_ref FROM comments; "
      "DROP TABLE comments; ALTER TABLE new_comments RENAME TO comments; "
      "CREATE INDEX comments_post ON comments (post_id DESC)",
      "ALTER TABLE users RENAME TO members",
      "ALTER TABLE posts DROP COLUMN body",
      "DROP INDEX posts_user; CREATE UNIQUE INDEX posts_title ON posts (title COLLATE NOCASE DESC) "
      "WHERE title IS NOT NULL; CREATE INDEX posts_lower ON posts (lower(title))",
      "DROP TRIGGER posts_touch; CREATE TRIGGER members_audit BEFORE DELETE ON members BEGIN "
      "DELETE FROM comments WHERE post_id IN (SELECT id FROM posts WHERE user_id = OLD.id); END",
      "CREATE TABLE strict_t (a INTEGER, b TEXT) STRICT; CREATE TABLE wr (k TEXT PRIMARY KEY, v) WITHOUT ROWID",
      // A view left reading a dropped table, then the view dropped as well.
      "CREATE VIEW strict_view AS SELECT a FROM strict_t",
      "DROP TABLE strict_t",
      "DROP VIEW strict_view",
      // An object the model cannot represent, then gone again.
      "CREATE TABLE conflicting (a TEXT UNIQUE ON CONFLICT REPLACE)",
      "CREATE INDEX conflicting_a ON conflicting (a)",
      "DROP TABLE conflicting",
      "DROP VIEW user_post_count; DROP VIEW user_posts; DROP VIEW quoted; DROP TABLE posts",
      "DROP TABLE Later_Parent",
      "INSERT INTO members (mail) VALUES ('a@example.com')",
  };
  for (const auto& sql : history) step(sql);
  // Each schema change above changed the digest; the data change at the end kept it, and
  // dropping `conflicting` came back to the catalog before it was created (one digest again).
  EXPECT_EQ(m_fingerprints.size(), history.size() - 2);
}

TEST_F(SqliteIncrementalReadTest, BatchesOfManyTablesReadAsAFullRead) {
  // Past about 30 names a read in part lists every table once instead of looking each up:
  // batches of 33 and 50 take that path, over tables whose names differ in case and whose
  // foreign keys cross the batches.
  std::string sql;
  for (int i = 0; i < 90; ++i) {
    const auto name = (i % 3 ? "T" : "t") + std::to_string(i);
    sql += "CREATE TABLE " + name + " (id INTEGER PRIMARY KEY, label TEXT" +
           (i ? ", prev INTEGER REFERENCES t" + std::to_string(i - 1) + " (ID)" : std::string()) + "); ";
    sql += "CREATE INDEX ix_" + name + " ON " + name + " (label DESC); ";
  }
  m_db->execute_script(sql + "CREATE VIEW first_labels AS SELECT label FROM t0");
  const auto full = schema::fingerprint(m_db->read_schema(m_scope));
  for (std::size_t batch : {33, 50}) {
    m_db->set_fingerprint_batch(batch);
    EXPECT_EQ(m_db->fingerprint(m_scope), full) << "batches of " << batch;
  }
  // The same path in a read since a snapshot that changed many tables at once.
  auto last = m_db->read_schema_since(m_scope, {});
  std::string alter;
  for (int i = 0; i < 40; ++i) alter += "ALTER TABLE t" + std::to_string(i) + " ADD COLUMN extra TEXT; ";
  m_db->execute_script(alter);
  EXPECT_EQ(schema::canonical_text(m_db->read_schema_since(m_scope, std::move(last)).schema),
            schema::canonical_text(m_db->read_schema(m_scope)));
}

TEST_F(SqliteIncrementalReadTest, TheCatalogDigestCoversTheScopeAndNotTheData) {
  step("CREATE TABLE a (x INTEGER)");
  const auto before = m_db->catalog_digest(m_scope);
  m_db->execute_script("INSERT INTO a VALUES (1); UPDATE a SET x = 2");
  EXPECT_EQ(m_db->catalog_digest(m_scope), before);
  SchemaScope other = m_scope;
  other.excluded.push_back({"", "a"});  // another scope reads another model
  EXPECT_NE(m_db->catalog_digest(other), before);
}

TEST_F(SqliteIncrementalReadTest, UnchangedTablesAreTakenFromTheLastRead) {
  step("CREATE TABLE a (x INTEGER); CREATE TABLE b (y INTEGER)");
  // A snapshot whose model says something the database does not: a table kept from it
  // comes back as the snapshot has it, so it was not read again.
  auto doctored = m_last;
  for (auto& t : doctored.schema.tables)
    if (t.name.name == "a") t.columns[0].name = "from_the_snapshot";
  m_db->execute_script("CREATE TABLE c (z INTEGER); ALTER TABLE b ADD COLUMN w TEXT");
  const auto next = m_db->read_schema_since(m_scope, doctored);
  ASSERT_EQ(next.schema.tables.size(), 3u);
  EXPECT_EQ(next.schema.tables[0].columns[0].name, "from_the_snapshot");
  EXPECT_EQ(next.schema.tables[1].columns.size(), 2u);  // b changed: read again
  EXPECT_EQ(next.schema.tables[2].name.name, "c");
}

TEST_F(SqliteIncrementalReadTest, ASnapshotListingUnsupportedObjectsOrNoCatalogMeansAFullRead) {
  step("CREATE TABLE a (x INTEGER)");
  auto doctored = m_last;
  doctored.schema.tables[0].columns[0].name = "from_the_snapshot";
  doctored.schema.unsupported.push_back({"view", "v", "why"});
  EXPECT_EQ(m_db->read_schema_since(m_scope, doctored).schema, m_db->read_schema(m_scope));
  doctored.schema.unsupported.clear();
  doctored.catalog.clear();
  EXPECT_EQ(m_db->read_schema_since(m_scope, doctored).schema, m_db->read_schema(m_scope));
}

}  // namespace
}  // namespace migrate::backend
