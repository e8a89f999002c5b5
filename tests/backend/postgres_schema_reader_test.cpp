// The PostgreSQL schema reader on a real server: what it reads from the catalog, and that the
// same schema built by different SQL (order, spelling, inline or separate constraints) reads
// as the same model. Runs in the private schema postgres_backend_test.cpp's environment makes.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "schema/model.hpp"

namespace migrate::backend {
namespace {

class PostgresSchemaReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("MIGRATE_TEST_POSTGRES_URL");
    if (!url || !*url) {
      const char* required = std::getenv("MIGRATE_REQUIRE_POSTGRES");
      if (required && std::string(required) == "1") FAIL() << "MIGRATE_REQUIRE_POSTGRES=1 but no server";
      GTEST_SKIP() << "MIGRATE_TEST_POSTGRES_URL is not set";
    }
    m_db = open(url);
    m_schema = *m_db->query("SELECT current_schema()").at(0).at(0);
    ASSERT_EQ(m_schema.rfind("mt_", 0), 0u) << "the tests need their private schema";
    reset();
  }
  void reset() {
    m_db->execute_script("DROP SCHEMA \"" + m_schema + "\" CASCADE; CREATE SCHEMA \"" + m_schema + "\"");
  }
  std::string search_path() { return *m_db->query("SELECT pg_catalog.current_setting('search_path')").at(0).at(0); }
  schema::Schema read() {
    SchemaScope scope;
    scope.schemas = {m_schema};
    return m_db->schema_reader()->read_schema(scope);
  }

  std::unique_ptr<Backend> m_db;
  std::string m_schema;
};

constexpr const char* k_one_order =
    "CREATE TABLE users (id integer PRIMARY KEY, email varchar(200) NOT NULL UNIQUE, "
    "  created timestamptz DEFAULT now(), CHECK (email LIKE '%@%'));"
    "CREATE TABLE \"Audit Log\" (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
    "  user_id integer REFERENCES users(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, "
    "  total numeric(10,2), doubled numeric GENERATED ALWAYS AS (total * 2) STORED);"
    "CREATE INDEX ix_log_user ON \"Audit Log\" (user_id DESC NULLS LAST) INCLUDE (total) WHERE user_id > 0;"
    "CREATE INDEX ix_lower_email ON users (lower(email));"
    "COMMENT ON TABLE users IS 'people';";

// The same schema: other order, other spellings, constraints written apart.
constexpr const char* k_other_order =
    "CREATE TABLE users (id INT NOT NULL, email CHARACTER VARYING(200) NOT NULL, created TIMESTAMP WITH TIME ZONE "
    "  DEFAULT now());"
    "ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY (id);"
    "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);"
    "ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email LIKE '%@%');"
    "COMMENT ON TABLE users IS 'people';"
    "CREATE INDEX ix_lower_email ON users (LOWER(email));"
    "CREATE TABLE \"Audit Log\" (id INT8 GENERATED ALWAYS AS IDENTITY, user_id INT4, total DECIMAL(10, 2), "
    "  doubled NUMERIC GENERATED ALWAYS AS (total * 2) STORED);"
    "ALTER TABLE \"Audit Log\" ADD CONSTRAINT \"Audit Log_pkey\" PRIMARY KEY (id);"
    "ALTER TABLE \"Audit Log\" ADD CONSTRAINT \"Audit Log_user_id_fkey\" FOREIGN KEY (user_id) REFERENCES users (id) "
    "  ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;"
    "CREATE INDEX ix_log_user ON \"Audit Log\" USING btree (user_id DESC NULLS LAST) INCLUDE (total) "
    "  WHERE (user_id > 0);";

TEST_F(PostgresSchemaReaderTest, ReadsTablesColumnsConstraintsAndIndexes) {
  m_db->execute_script(k_one_order);
  auto s = read();
  EXPECT_EQ(s.schemas, std::vector<std::string>{m_schema});
  ASSERT_EQ(s.tables.size(), 2u);
  const auto& log = s.tables[0];  // "Audit Log" sorts before "users"
  EXPECT_EQ(log.name.name, "Audit Log");
  ASSERT_EQ(log.columns.size(), 4u);
  EXPECT_EQ(log.columns[0].identity, "always");
  EXPECT_EQ(log.columns[2].type, "numeric(10,2)");
  ASSERT_TRUE(log.columns[3].generated);
  EXPECT_EQ(*log.columns[3].generated, "total * 2::numeric");
  const schema::Constraint* fk = nullptr;
  for (const auto& c : log.constraints)
    if (c.kind == schema::ConstraintKind::foreign_key) fk = &c;
  ASSERT_NE(fk, nullptr);
  EXPECT_EQ(fk->columns, std::vector<std::string>{"user_id"});
  EXPECT_EQ(fk->foreign_key->parent.name, "users");
  EXPECT_EQ(fk->foreign_key->on_delete, "cascade");
  EXPECT_TRUE(fk->deferrable && fk->initially_deferred);
  const auto& users = s.tables[1];
  EXPECT_EQ(users.comment, "people");
  EXPECT_EQ(users.columns[1].type, "character varying(200)");
  EXPECT_EQ(*users.columns[2].default_expression, "now()");
  ASSERT_EQ(s.indexes.size(), 2u);  // the primary and unique keys' indexes belong to their constraints
  const auto& by_user = s.indexes[0];
  EXPECT_EQ(by_user.name.name, "ix_log_user");
  ASSERT_EQ(by_user.keys.size(), 1u);
  EXPECT_EQ(by_user.keys[0].column, "user_id");
  EXPECT_TRUE(by_user.keys[0].descending);
  ASSERT_TRUE(by_user.keys[0].nulls_first);
  EXPECT_FALSE(*by_user.keys[0].nulls_first);
  EXPECT_EQ(by_user.include, std::vector<std::string>{"total"});
  EXPECT_EQ(by_user.where, "user_id > 0");
  EXPECT_EQ(s.indexes[1].keys[0].expression, "lower(email::text)");
}

TEST_F(PostgresSchemaReaderTest, TheSameSchemaBuiltByOtherSqlReadsEqual) {
  m_db->execute_script(k_one_order);
  auto first = read();
  reset();
  m_db->execute_script(k_other_order);
  auto second = read();
  EXPECT_EQ(schema::canonical_text(first), schema::canonical_text(second));
  EXPECT_EQ(schema::fingerprint(first), schema::fingerprint(second));
  m_db->execute_script("ALTER TABLE users ALTER COLUMN created DROP DEFAULT");
  EXPECT_NE(schema::fingerprint(read()), schema::fingerprint(first));
}

TEST_F(PostgresSchemaReaderTest, ReadsViewsSequencesAndTypes) {
  m_db->execute_script(
      "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');"
      "CREATE DOMAIN email AS text NOT NULL CHECK (VALUE LIKE '%@%');"
      "CREATE TABLE people (id serial PRIMARY KEY, m mood, e email, n bigint GENERATED BY DEFAULT AS IDENTITY);"
      "CREATE VIEW happy_people AS SELECT id, e FROM people WHERE m = 'happy';"
      "CREATE VIEW happy_ids AS SELECT id FROM happy_people;"
      "CREATE MATERIALIZED VIEW mood_counts AS SELECT m, count(*) AS n FROM people GROUP BY m;");
  auto s = read();
  ASSERT_EQ(s.types.size(), 2u);
  EXPECT_EQ(s.types[0].name.name, "email");
  EXPECT_EQ(s.types[0].base_type, "text");
  EXPECT_TRUE(s.types[0].not_null);
  ASSERT_EQ(s.types[0].checks.size(), 1u);
  EXPECT_EQ(s.types[0].checks[0].expression, "VALUE ~~ '%@%'::text");
  EXPECT_EQ(s.types[1].labels, (std::vector<std::string>{"sad", "ok", "happy"}));
  // The serial column's sequence, owned by its column; the identity column's is its own.
  ASSERT_EQ(s.sequences.size(), 1u);
  EXPECT_EQ(s.sequences[0].name.name, "people_id_seq");
  ASSERT_TRUE(s.sequences[0].owned_by_table);
  EXPECT_EQ(s.sequences[0].owned_by_column, "id");
  ASSERT_EQ(s.views.size(), 3u);
  EXPECT_EQ(s.views[0].name.name, "happy_ids");
  EXPECT_EQ(s.views[1].columns, (std::vector<std::string>{"id", "e"}));
  EXPECT_TRUE(s.views[2].materialized);
  // Read with search_path = pg_catalog: every name outside pg_catalog comes out qualified.
  EXPECT_NE(s.views[1].definition.find("FROM " + m_schema + ".people\n"), std::string::npos) << s.views[1].definition;
  EXPECT_NE(s.views[1].definition.find("WHERE people.m = 'happy'::" + m_schema + ".mood"), std::string::npos)
      << s.views[1].definition;
}

TEST_F(PostgresSchemaReaderTest, ReadsFunctionsTriggersPoliciesAndNamesWhatItCannotModel) {
  m_db->execute_script(
      "CREATE TYPE point3 AS (x float8, y float8, z float8);"
      "CREATE TABLE accounts (id int PRIMARY KEY, owner text, updated timestamptz);"
      "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated := now(); RETURN NEW; END $$;"
      "CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();"
      "ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;"
      "CREATE POLICY own_rows ON accounts FOR SELECT USING (owner = current_user);"
      "CREATE AGGREGATE total (int) (SFUNC = int4pl, STYPE = int);"
      "CREATE RULE no_delete AS ON DELETE TO accounts DO INSTEAD NOTHING;");
  auto s = read();
  ASSERT_EQ(s.types.size(), 1u);
  EXPECT_EQ(s.types[0].attributes.size(), 3u);
  ASSERT_EQ(s.functions.size(), 1u);
  EXPECT_EQ(s.functions[0].name.name, "touch");
  EXPECT_NE(s.functions[0].definition.find("CREATE OR REPLACE FUNCTION"), std::string::npos);
  ASSERT_EQ(s.triggers.size(), 1u);
  EXPECT_NE(s.triggers[0].definition.find("EXECUTE FUNCTION"), std::string::npos) << s.triggers[0].definition;
  ASSERT_EQ(s.tables.size(), 1u);
  EXPECT_TRUE(s.tables[0].row_security);
  ASSERT_EQ(s.tables[0].policies.size(), 1u);
  EXPECT_EQ(s.tables[0].policies[0].command, "select");
  EXPECT_EQ(s.tables[0].policies[0].roles, std::vector<std::string>{"public"});
  // Never left out silently: what the model cannot represent is named.
  std::vector<std::string> kinds;
  for (const auto& u : s.unsupported) kinds.push_back(u.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"aggregate", "rule"}));
}

TEST_F(PostgresSchemaReaderTest, ExcludedTablesAreLeftOut) {
  m_db->execute_script("CREATE TABLE migrate_version (version_num varchar(32) PRIMARY KEY); CREATE TABLE t (x int);");
  SchemaScope scope;
  scope.schemas = {m_schema};
  scope.excluded = {{"", "migrate_version"}};
  auto s = m_db->schema_reader()->read_schema(scope);
  ASSERT_EQ(s.tables.size(), 1u);
  EXPECT_EQ(s.tables[0].name.name, "t");
}

TEST_F(PostgresSchemaReaderTest, ReadsEachIndexKeyExactly) {
  m_db->execute_script(
      "CREATE TABLE people (name text, code text COLLATE \"C\", n int);"
      "CREATE INDEX a_name_c ON people (name COLLATE \"C\");"
      "CREATE INDEX b_code ON people (code COLLATE \"POSIX\" DESC NULLS LAST, code, n NULLS FIRST, n DESC);"
      "CREATE INDEX c_lower ON people (lower(name) COLLATE \"C\" text_pattern_ops DESC NULLS FIRST);");
  auto s = read();
  ASSERT_EQ(s.indexes.size(), 3u);
  const auto& name_c = s.indexes[0].keys;
  ASSERT_EQ(name_c.size(), 1u);
  EXPECT_EQ(name_c[0].column, "name");
  EXPECT_EQ(name_c[0].collation, "\"C\"");
  const auto& code = s.indexes[1].keys;
  ASSERT_EQ(code.size(), 4u);
  EXPECT_EQ(code[0].collation, "\"POSIX\"");
  EXPECT_TRUE(code[0].descending);
  ASSERT_TRUE(code[0].nulls_first);
  EXPECT_FALSE(*code[0].nulls_first);
  EXPECT_EQ(code[1].collation, "");  // the column's own collation
  EXPECT_FALSE(code[1].descending);
  EXPECT_FALSE(code[1].nulls_first);
  ASSERT_TRUE(code[2].nulls_first);
  EXPECT_TRUE(*code[2].nulls_first);
  EXPECT_TRUE(code[3].descending);
  EXPECT_FALSE(code[3].nulls_first);  // NULLS FIRST is DESC's default
  const auto& lower = s.indexes[2].keys;
  ASSERT_EQ(lower.size(), 1u);
  EXPECT_EQ(lower[0].expression, "lower(name)");
  EXPECT_EQ(lower[0].collation, "\"C\"");
  EXPECT_EQ(lower[0].opclass, "text_pattern_ops");
  EXPECT_TRUE(lower[0].descending);
  EXPECT_FALSE(lower[0].nulls_first);
}

TEST_F(PostgresSchemaReaderTest, ReadsTheCollationsAndCommentsOfCompositeAttributes) {
  m_db->execute_script(
      "CREATE TYPE labelled AS (label text COLLATE \"C\", plain text, n int);"
      "COMMENT ON COLUMN labelled.label IS 'the label';");
  auto s = read();
  ASSERT_EQ(s.types.size(), 1u);
  const auto& attributes = s.types[0].attributes;
  ASSERT_EQ(attributes.size(), 3u);
  EXPECT_EQ(attributes[0].collation, "\"C\"");
  EXPECT_EQ(attributes[0].comment, "the label");
  EXPECT_EQ(attributes[1].collation, "");
  EXPECT_EQ(attributes[2].comment, "");
}

// The catalog's texts name what is on the session's search_path without its schema; the reader
// reads with its own search_path, so the session's does not matter, and it is left as it was.
TEST_F(PostgresSchemaReaderTest, TheSessionSearchPathChangesNothingAndIsKept) {
  m_db->execute_script(
      "CREATE TYPE mood AS ENUM ('ok', 'sad');"
      "CREATE TABLE people (id int PRIMARY KEY, m mood DEFAULT 'ok', CHECK (m <> 'sad'));"
      "CREATE VIEW ok_people AS SELECT id FROM people WHERE m = 'ok';"
      "CREATE INDEX people_sad ON people (id) WHERE m = 'sad';");
  const auto original_path = search_path();
  auto on_path = read();
  EXPECT_EQ(search_path(), original_path);
  m_db->execute("SELECT pg_catalog.set_config('search_path', 'public', false)");
  auto off_path = read();
  EXPECT_EQ(search_path(), "public");
  EXPECT_EQ(schema::canonical_text(off_path), schema::canonical_text(on_path));
  ASSERT_EQ(on_path.tables.size(), 1u);
  EXPECT_EQ(on_path.tables[0].columns[1].type, m_schema + ".mood");
  // Inside a transaction, around a path the transaction set itself.
  m_db->begin();
  m_db->execute("SET LOCAL search_path = " + m_schema + ", public");
  auto in_transaction = read();
  EXPECT_EQ(search_path(), m_schema + ", public");
  m_db->commit();
  EXPECT_EQ(search_path(), "public");
  EXPECT_EQ(schema::canonical_text(in_transaction), schema::canonical_text(on_path));
}

// The catalog digest lets a recorded fingerprint stand for the live one while it is the same:
// through a varied history, every change of the model changes the digest (and a digest seen
// again comes with the model it came with then), including changes the model sees only
// through what the server prints (a renamed function in a default, a role renamed under a
// policy, DateStyle). Other tests' changes elsewhere in the database may change the digest too:
// that costs a full read, never a wrong answer, and no assertion here depends on it.
TEST_F(PostgresSchemaReaderTest, EveryChangeOfTheModelChangesTheCatalogDigest) {
  SchemaScope scope;
  scope.schemas = {m_schema};
  auto* reader = m_db->schema_reader();
  // Roles belong to the whole server: the name must not meet one another run left behind.
  const std::string role = "mt_digest_role_" + std::to_string(::getpid()) + "_" +
                           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  m_db->execute_script("CREATE ROLE " + role);
  const std::vector<std::string> history = {
      "CREATE TABLE t (id int PRIMARY KEY, d date DEFAULT '2020-01-02', price float8 DEFAULT 0.1)",
      "ALTER TABLE t ADD COLUMN note text",
      "COMMENT ON COLUMN t.note IS 'free text'",
      "CREATE INDEX t_note ON t (note) WHERE note IS NOT NULL",
      "CREATE FUNCTION one() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1'",
      "ALTER TABLE t ADD COLUMN n int DEFAULT one()",
      "ALTER FUNCTION one() RENAME TO uno",
      "CREATE TYPE mood AS ENUM ('ok')",
      "ALTER TYPE mood ADD VALUE 'sad'",
      "CREATE DOMAIN positive AS int CHECK (VALUE > 0)",
      "ALTER TABLE t ADD COLUMN p positive",
      "CREATE VIEW v AS SELECT id, note FROM t",
      "CREATE OR REPLACE VIEW v AS SELECT id, note, n FROM t",
      "ALTER TABLE t RENAME COLUMN note TO remark",
      "ALTER TABLE t ENABLE ROW LEVEL SECURITY; CREATE POLICY own ON t TO " + role + " USING (id > 0)",
      "ALTER ROLE " + role + " RENAME TO " + role + "_renamed",
      "CREATE SEQUENCE s START 5",
      "ALTER SEQUENCE s INCREMENT 2",
      "SET DateStyle = 'German, DMY'",
      "SET extra_float_digits = 0",
      "ALTER TABLE t ALTER COLUMN d DROP DEFAULT",
      "DROP VIEW v",
      "RESET DateStyle; RESET extra_float_digits",
  };
  std::map<std::string, std::string> seen;  // digest -> the model's fingerprint
  std::string last_digest = reader->catalog_digest(scope);
  std::string last_model = reader->fingerprint(scope);
  seen.emplace(last_digest, last_model);
  for (const auto& sql : history) {
    m_db->execute_script(sql);
    const auto digest = reader->catalog_digest(scope);
    const auto model = reader->fingerprint(scope);
    EXPECT_EQ(digest.size(), 64u);
    if (model != last_model) {
      EXPECT_NE(digest, last_digest) << "the model changed, the digest did not, after: " << sql;
    }
    const auto [it, added] = seen.emplace(digest, model);
    if (!added) {
      EXPECT_EQ(it->second, model) << "one digest, two models, after: " << sql;
    }
    last_digest = digest;
    last_model = model;
  }
  m_db->execute_script("DROP TABLE t; DROP ROLE " + role + "_renamed");
  // Data is not schema: inside one snapshot, rows written and a sequence advanced keep it.
  m_db->execute_script("CREATE TABLE data (id int); BEGIN ISOLATION LEVEL REPEATABLE READ");
  const auto before = reader->catalog_digest(scope);
  m_db->execute_script("INSERT INTO data VALUES (1); UPDATE data SET id = 2; SELECT nextval('s')");
  EXPECT_EQ(reader->catalog_digest(scope), before);
  m_db->execute_script("COMMIT");
  // Another scope reads another model.
  SchemaScope other = scope;
  other.excluded.push_back({m_schema, "data"});
  EXPECT_NE(reader->catalog_digest(other), reader->catalog_digest(scope));
}

// A read that fails (here: a view it must lock is locked by another session) leaves the
// session's search_path as it was; inside a transaction, the rollback does.
TEST_F(PostgresSchemaReaderTest, TheSearchPathIsRestoredWhenTheReadFails) {
  m_db->execute_script("CREATE TABLE t (id int); CREATE VIEW v AS SELECT id FROM t;");
  auto other = open(std::getenv("MIGRATE_TEST_POSTGRES_URL"));
  other->begin();
  other->execute("LOCK TABLE " + m_schema + ".v IN ACCESS EXCLUSIVE MODE");
  m_db->set_session_timeouts(std::string("50ms"), std::nullopt);
  const auto original_path = search_path();
  EXPECT_THROW(read(), DatabaseError);
  EXPECT_EQ(search_path(), original_path);
  m_db->begin();
  EXPECT_THROW(read(), DatabaseError);
  m_db->rollback();
  EXPECT_EQ(search_path(), original_path);
  other->rollback();
  m_db->set_session_timeouts(std::nullopt, std::nullopt);
  EXPECT_EQ(read().views.size(), 1u);
  EXPECT_EQ(search_path(), original_path);
}

TEST_F(PostgresSchemaReaderTest, TheNumberOfQueriesDoesNotGrowWithTheSchema) {
  auto tables = [](int count) {
    std::string sql;
    for (int i = 0; i < count; ++i) {
      auto n = std::to_string(i);
      sql += "CREATE TABLE t" + n + " (id int PRIMARY KEY, v text NOT NULL, w int REFERENCES t" +
             std::to_string(i > 0 ? i - 1 : 0) + " DEFAULT 1 CHECK (w > 0)); CREATE INDEX t" + n + "_v ON t" + n +
             " (v); COMMENT ON TABLE t" + n + " IS 'table " + n + "';";
    }
    return sql;
  };
  m_db->execute_script(tables(3));
  ASSERT_EQ(read().tables.size(), 3u);
  const auto small_count = m_db->schema_reader()->last_read_query_count();
  EXPECT_GT(small_count, 0u);
  reset();
  m_db->execute_script(tables(300));
  ASSERT_EQ(read().tables.size(), 300u);
  EXPECT_EQ(m_db->schema_reader()->last_read_query_count(), small_count);
}

// What the model has no field for is named, never dropped silently.
TEST_F(PostgresSchemaReaderTest, NamesTheOptionsTheModelCannotHold) {
  m_db->execute_script(
      "CREATE TABLE a (id int GENERATED ALWAYS AS IDENTITY (START 10 INCREMENT 5), "
      "  b bigint GENERATED BY DEFAULT AS IDENTITY, c smallint GENERATED ALWAYS AS IDENTITY, code text, "
      "  CONSTRAINT a_code_key UNIQUE NULLS NOT DISTINCT (code), CONSTRAINT a_plain_key UNIQUE (b));"
      "CREATE UNIQUE INDEX a_code ON a (code) NULLS NOT DISTINCT;"
      "CREATE UNIQUE INDEX a_plain ON a (code);"
      "CREATE TABLE p (x int, y int, PRIMARY KEY (x, y));"
      "CREATE TABLE f (x int, y int, CONSTRAINT f_set_y FOREIGN KEY (x, y) REFERENCES p ON DELETE SET NULL (y), "
      "  CONSTRAINT f_set_all FOREIGN KEY (x, y) REFERENCES p ON DELETE SET NULL, "
      "  CONSTRAINT f_positive CHECK (x > 0) NO INHERIT, CONSTRAINT f_inherited CHECK (y > 0));"
      "CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;"
      "CREATE TRIGGER f_always BEFORE INSERT ON f FOR EACH ROW EXECUTE FUNCTION noop();"
      "CREATE TRIGGER f_plain BEFORE INSERT ON f FOR EACH ROW EXECUTE FUNCTION noop();"
      "ALTER TABLE f ENABLE ALWAYS TRIGGER f_always;");
  auto s = read();
  std::vector<std::string> listed;
  for (const auto& u : s.unsupported) {
    listed.push_back(u.kind + " " + u.name);
    EXPECT_FALSE(u.why.empty());
  }
  EXPECT_EQ(listed, (std::vector<std::string>{"constraint option " + m_schema + ".a.a_code_key",
                                               "constraint option " + m_schema + ".f.f_positive",
                                               "constraint option " + m_schema + ".f.f_set_y",
                                               "identity option " + m_schema + ".a.id",
                                               "index option " + m_schema + ".a_code",
                                               "trigger option " + m_schema + ".f.f_always"}));
  // The objects themselves are still read.
  EXPECT_EQ(s.indexes.size(), 2u);
  ASSERT_EQ(s.tables.size(), 3u);
  EXPECT_EQ(s.tables[0].columns[0].identity, "always");
}

TEST_F(PostgresSchemaReaderTest, NamesInheritanceAndRelationOptions) {
  m_db->execute_script(
      "CREATE TABLE base (id int); CREATE TABLE child (x int) INHERITS (base);"
      "CREATE TABLE filled (id int) WITH (fillfactor = 70);"
      "CREATE INDEX filled_id ON filled (id) WITH (fillfactor = 50);"
      "CREATE VIEW checked AS SELECT id FROM base WHERE id > 0 WITH LOCAL CHECK OPTION;"
      "CREATE TABLE parted (id int) PARTITION BY RANGE (id);"
      "CREATE TABLE parted_low PARTITION OF parted FOR VALUES FROM (0) TO (10);");
  auto s = read();
  std::vector<std::string> listed;
  for (const auto& u : s.unsupported) listed.push_back(u.kind + " " + u.name);
  EXPECT_EQ(listed, (std::vector<std::string>{"inheritance " + m_schema + ".child inherits " + m_schema + ".base",
                                               "relation option " + m_schema + ".checked check_option=local",
                                               "relation option " + m_schema + ".filled fillfactor=70",
                                               "relation option " + m_schema + ".filled_id fillfactor=50"}));
}

TEST_F(PostgresSchemaReaderTest, ReadsWhatEachObjectDependsOn) {
  m_db->execute_script(
      "CREATE TABLE users (id int PRIMARY KEY);"
      "CREATE FUNCTION all_users() RETURNS SETOF users LANGUAGE sql AS 'SELECT * FROM users';"
      "CREATE FUNCTION many(u users[]) RETURNS int LANGUAGE sql AS 'SELECT 1';"
      "CREATE FUNCTION is_ok(t text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT true';"
      "CREATE DOMAIN ok_text AS text CHECK (is_ok(VALUE));"
      "CREATE FUNCTION n() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM users; END;"
      "CREATE SEQUENCE s;"
      "CREATE TABLE t (a ok_text, b bigint DEFAULT n(), c bigint DEFAULT nextval('s') CHECK (is_ok(a)));"
      "CREATE VIEW v1 AS SELECT n() AS users; CREATE VIEW v2 AS SELECT * FROM v1, users;");
  auto s = read();
  auto names = [&](const std::vector<schema::Name>& list) {
    std::vector<std::string> out;
    for (const auto& n : list) out.push_back((n.schema == m_schema ? "" : n.schema + ".") + n.name);
    return out;
  };
  ASSERT_EQ(s.functions.size(), 4u);  // all_users, is_ok, many, n
  EXPECT_EQ(names(s.functions[0].depends_on), std::vector<std::string>{"users"});
  EXPECT_TRUE(s.functions[1].depends_on.empty());
  EXPECT_EQ(names(s.functions[2].depends_on), std::vector<std::string>{"users"});
  EXPECT_EQ(names(s.functions[3].depends_on), std::vector<std::string>{"users"});
  ASSERT_EQ(s.types.size(), 1u);
  EXPECT_EQ(names(s.types[0].depends_on), std::vector<std::string>{"is_ok"});
  ASSERT_EQ(s.tables.size(), 2u);  // t, users; the sequence is no dependency of the model
  EXPECT_EQ(names(s.tables[0].depends_on), (std::vector<std::string>{"is_ok", "n", "ok_text"}));
  ASSERT_EQ(s.views.size(), 2u);
  EXPECT_EQ(names(s.views[0].depends_on), std::vector<std::string>{"n"});  // the alias is no dependency
  EXPECT_EQ(names(s.views[1].depends_on), (std::vector<std::string>{"users", "v1"}));
}

TEST_F(PostgresSchemaReaderTest, NamesTheObjectsAndCommentsTheModelHasNoPlaceFor) {
  m_db->execute_script(
      "CREATE TYPE span AS RANGE (subtype = int4);"
      "CREATE TABLE t (a int, b int, PRIMARY KEY (a) INCLUDE (b));"
      "CREATE STATISTICS t_stats ON a, b FROM t;"
      "CREATE TEXT SEARCH DICTIONARY dict (TEMPLATE = pg_catalog.simple);"
      "CREATE TEXT SEARCH CONFIGURATION conf (COPY = pg_catalog.simple);"
      "CREATE OPERATOR FAMILY fam USING btree;"
      "CREATE POLICY p ON t USING (true); COMMENT ON POLICY p ON t IS 'x';"
      "CREATE VIEW v AS SELECT a FROM t; COMMENT ON COLUMN v.a IS 'x';");
  auto s = read();
  std::vector<std::string> listed;
  for (const auto& u : s.unsupported) listed.push_back(u.kind + " " + u.name);
  const auto& q = m_schema;
  EXPECT_EQ(listed, (std::vector<std::string>{"comment column " + q + ".v.a", "comment policy " + q + ".t p",
                                               "constraint option " + q + ".t.t_pkey", "operator family " + q + ".fam",
                                               "range type " + q + ".span", "statistics " + q + ".t_stats",
                                               "text search configuration " + q + ".conf",
                                               "text search dictionary " + q + ".dict"}));
}

TEST_F(PostgresSchemaReaderTest, ReadsTriggersOfViewsAndNotValidDomainChecks) {
  m_db->execute_script(
      "CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t;"
      "CREATE FUNCTION ins() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';"
      "CREATE TRIGGER v_ins INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION ins();"
      "CREATE DOMAIN pos AS int; ALTER DOMAIN pos ADD CONSTRAINT pos_check CHECK (VALUE > 0) NOT VALID;");
  auto s = read();
  ASSERT_EQ(s.triggers.size(), 1u);
  EXPECT_EQ(s.triggers[0].table.name, "v");
  ASSERT_EQ(s.types.size(), 1u);
  ASSERT_EQ(s.types[0].checks.size(), 1u);
  EXPECT_TRUE(s.types[0].checks[0].not_valid);
}

}  // namespace
}  // namespace migrate::backend
