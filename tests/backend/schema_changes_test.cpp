// The change planner on real databases, SQLite and PostgreSQL: for each pair of schemas
// (from, to) built by SQL, the plan from -> to run on `from` (in one transaction, as the
// runner runs a revision) gives a database whose model equals `to`'s, and the plan back gives
// `from`'s again. A schema's plan to itself is empty; the additive-only plan leaves exactly
// the differences of the changes it skipped; drop_sql leaves an empty schema.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "schema/changes.hpp"
#include "schema/diff.hpp"
#include "schema/model.hpp"
#include "support/schema_round_trip.hpp"
#include "support/temp_dir.hpp"

namespace migrate {
namespace {

struct ChangeCase {
  std::string name;
  Dialect dialect = Dialect::sqlite;
  std::string from, to;
  /// A query run on the database after each plan: its first value must stay this number
  /// (rows a rebuild must not lose). Empty: none.
  std::string count_query;
  long long count = 0;
};

void PrintTo(const ChangeCase& c, std::ostream* os) { *os << c.name; }

std::string differences(const std::vector<schema::Difference>& list) {
  std::string out;
  for (const auto& d : list) out += "  " + schema::describe(d) + "\n";
  return out;
}

std::string listed(const std::vector<schema::SchemaChange>& changes) {
  std::string out;
  for (const auto& c : changes) out += "  " + c.description + "\n";
  return out;
}

class SchemaChangesTest : public ::testing::TestWithParam<ChangeCase> {
 protected:
  void SetUp() override { m_databases.open(GetParam().dialect, m_dir.path(), "chg"); }

  /// Runs the plan from `current` to `target` on database `i`, and expects the model `target`
  /// has. Returns the plan.
  schema::ChangePlan apply(std::size_t i, const schema::Schema& current, const schema::Schema& target) {
    auto plan = schema::plan_changes(current, target);
    try {
      m_databases.run_in_transaction(i, plan.sql());
    } catch (const std::exception& e) {
      ADD_FAILURE() << "the plan does not run: " << e.what() << "\n" << plan.sql();
      return plan;
    }
    auto after = m_databases.read(i);
    auto left = schema::compare(target, after);
    EXPECT_TRUE(left.empty()) << "left after the plan:\n" << differences(left) << "plan:\n" << plan.sql();
    expect_rows(i);
    return plan;
  }

  void expect_rows(std::size_t i) {
    if (GetParam().count_query.empty()) return;
    auto rows = backend::open(m_databases.url(i))->query(GetParam().count_query);
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(std::stoll(rows[0][0].value_or("-1")), GetParam().count) << GetParam().count_query;
  }

  /// Additive only on a fresh copy of `from`: what remains different is what was skipped.
  void expect_additive_only(const schema::Schema& from, const schema::Schema& to) {
    auto plan = schema::plan_changes(from, to, {false});
    for (const auto& c : plan.changes) EXPECT_FALSE(c.destructive) << c.description;
    try {
      m_databases.run_in_transaction(2, plan.sql());
    } catch (const std::exception& e) {
      ADD_FAILURE() << "the additive plan does not run: " << e.what() << "\n" << plan.sql();
      return;
    }
    auto left = schema::compare(to, m_databases.read(2));
    if (plan.skipped.empty()) {
      EXPECT_TRUE(left.empty()) << differences(left);
    }
    for (const auto& d : left) {
      // The object, or the table it belongs to, is named by a skipped change.
      std::string object = d.object.substr(0, d.object.find(':'));
      std::string owner = object.substr(0, object.rfind('.'));
      bool named = false;
      for (const auto& s : plan.skipped)
        named =
            named || s.description.find(object) != std::string::npos || s.description.find(owner) != std::string::npos;
      EXPECT_TRUE(named) << schema::describe(d) << "\nskipped:\n" << listed(plan.skipped);
    }
  }

  test::TempDir m_dir;
  test::ScratchDatabases m_databases;
};

TEST_P(SchemaChangesTest, PlansThereAndBackAndDropsEverything) {
  const auto& c = GetParam();
  auto from = m_databases.build(0, c.from);
  auto to = m_databases.build(1, c.to);
  ASSERT_TRUE(from.unsupported.empty() && to.unsupported.empty());
  ASSERT_FALSE(schema::compare(from, to).empty()) << "the case changes nothing";
  EXPECT_TRUE(schema::plan_changes(from, from).empty()) << schema::plan_changes(from, from).sql();
  EXPECT_TRUE(schema::plan_changes(to, to).empty()) << schema::plan_changes(to, to).sql();
  apply(0, from, to);
  apply(0, m_databases.read(0), from);
  m_databases.build(2, c.from);
  expect_additive_only(from, to);
  auto drops = schema::drop_sql(m_databases.read(0));
  ASSERT_NO_THROW(m_databases.run_in_transaction(0, drops)) << drops;
  auto left = m_databases.read(0);
  EXPECT_TRUE(schema::empty(left)) << schema::canonical_text(left) << drops;
}

std::vector<ChangeCase> both(const std::string& name, const std::string& from, const std::string& to) {
  return {{name + "_SQLite", Dialect::sqlite, from, to}, {name + "_Postgres", Dialect::postgresql, from, to}};
}

std::string sqlite_everything(const std::string& owner_column) {
  return "CREATE TABLE accounts (id INTEGER PRIMARY KEY AUTOINCREMENT, " + owner_column +
         ", updated TEXT);"
         "CREATE TABLE things (id INTEGER PRIMARY KEY, account INTEGER REFERENCES accounts (id) ON DELETE CASCADE);"
         "CREATE TABLE log (what TEXT);"
         "CREATE INDEX accounts_owner ON accounts (owner) WHERE owner IS NOT NULL;"
         "CREATE UNIQUE INDEX accounts_lower_owner ON accounts (lower(owner));"
         "CREATE VIEW zz_base AS SELECT id, owner FROM accounts;"
         "CREATE VIEW \"Middle\" AS SELECT id FROM zz_base WHERE owner IS NOT NULL;"
         "CREATE VIEW aa_top AS SELECT count(*) AS n FROM \"Middle\" JOIN things USING (id);"
         "CREATE TRIGGER touch_it AFTER UPDATE ON accounts BEGIN UPDATE accounts SET updated = 'now' WHERE id = "
         "new.id; END;"
         "CREATE TRIGGER log_things AFTER INSERT ON things BEGIN INSERT INTO log SELECT owner FROM accounts; END;"
         "CREATE TRIGGER instead_top INSTEAD OF INSERT ON zz_base BEGIN INSERT INTO log VALUES (new.owner); END;"
         "INSERT INTO accounts (id, owner) VALUES (1, 'a'), (2, 'b'); INSERT INTO things VALUES (1, 1), (2, 2);";
}

std::vector<ChangeCase> sqlite_cases() {
  const auto d = Dialect::sqlite;
  return {
      {"EverythingFromNothing_SQLite", d, "SELECT 1;", sqlite_everything("owner TEXT")},
      {"EverythingOverARebuiltTable_SQLite", d, sqlite_everything("owner TEXT"),
       sqlite_everything("owner TEXT NOT NULL DEFAULT 'nobody' CHECK (owner <> '')"),
       "SELECT (SELECT count(*) FROM things) * 10 + (SELECT count(*) FROM accounts)", 22},
      {"TypeChangeRebuilds_SQLite", d,
       "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT); INSERT INTO t VALUES (1, 2, 'x');",
       "CREATE TABLE t (id INTEGER PRIMARY KEY, n TEXT, s TEXT);", "SELECT count(*) FROM t", 1},
      {"StrictAndWithoutRowidRebuilds_SQLite", d,
       "CREATE TABLE s (id INTEGER PRIMARY KEY, a TEXT); CREATE TABLE w (k TEXT PRIMARY KEY, v BLOB);"
       "INSERT INTO s VALUES (1, 'a'); INSERT INTO w VALUES ('k', x'00');",
       "CREATE TABLE s (id INTEGER PRIMARY KEY, a TEXT) STRICT; CREATE TABLE w (k TEXT PRIMARY KEY, v BLOB) WITHOUT "
       "ROWID;",
       "SELECT (SELECT count(*) FROM s) + (SELECT count(*) FROM w)", 2},
      {"RebuildOfAParentKeepsCascadingChildren_SQLite", d,
       "CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT);"
       "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id) ON DELETE CASCADE);"
       "CREATE INDEX c_p ON c (p_id);"
       "INSERT INTO p VALUES (1, 'one'), (2, 'two'); INSERT INTO c VALUES (10, 1), (11, 1), (12, 2);",
       "CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT NOT NULL CHECK (length(name) > 0));"
       "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id) ON DELETE CASCADE);"
       "CREATE INDEX c_p ON c (p_id);",
       "SELECT count(*) FROM c", 3},
      {"TriggersOnARebuiltTableAndNamingIt_SQLite", d,
       "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER);"
       "CREATE TABLE log (t_id INTEGER, n INTEGER);"
       "CREATE TRIGGER t_logged AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.id, (SELECT count(*) FROM t)); END;"
       "CREATE TRIGGER log_checked AFTER INSERT ON log BEGIN SELECT count(*) FROM t; END;",
       "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER CHECK (a > 0));"
       "CREATE TABLE log (t_id INTEGER, n INTEGER);"
       "CREATE TRIGGER t_logged AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.id, (SELECT count(*) FROM t)); END;"
       "CREATE TRIGGER log_checked AFTER INSERT ON log BEGIN SELECT count(*) FROM t; END;"
       "CREATE TRIGGER t_changed AFTER UPDATE ON t BEGIN DELETE FROM log; END;"},
      {"KeysForceARebuildWhereDropAndAddCannot_SQLite", d,
       "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT UNIQUE, b TEXT, c TEXT);"
       "CREATE INDEX t_b ON t (b);"
       "INSERT INTO t VALUES (1, 'a', 'b', 'c');",
       "CREATE TABLE t (id INTEGER PRIMARY KEY, c TEXT, d TEXT UNIQUE);", "SELECT count(*) FROM t", 1},
      {"QuotedNamesThroughARebuild_SQLite", d,
       "CREATE TABLE \"Order Items\" (\"select\" INTEGER PRIMARY KEY, \"Group\" TEXT, \"new_Order Items\" TEXT);"
       "CREATE VIEW \"V\" AS SELECT \"Group\" FROM \"Order Items\";"
       "CREATE INDEX \"Ix\" ON \"Order Items\" (\"Group\");"
       "INSERT INTO \"Order Items\" VALUES (1, 'g', 'x');",
       "CREATE TABLE \"Order Items\" (\"select\" INTEGER PRIMARY KEY, \"Group\" TEXT NOT NULL DEFAULT 'g',"
       " \"new_Order Items\" TEXT);"
       "CREATE VIEW \"V\" AS SELECT \"Group\" FROM \"Order Items\";"
       "CREATE INDEX \"Ix\" ON \"Order Items\" (\"Group\");",
       "SELECT count(*) FROM \"Order Items\"", 1},
      {"AChangedViewOverATableGainingACheck_SQLite", d,
       "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER);"
       "CREATE VIEW v AS SELECT a FROM t; CREATE VIEW w AS SELECT * FROM v;",
       "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER CHECK (a > 0));"
       "CREATE VIEW v AS SELECT a FROM t; CREATE VIEW w AS SELECT a AS b FROM v;"},
      {"KeyAndIndexOptions_SQLite", d,
       "CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT UNIQUE);"
       "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, p_code TEXT);"
       "CREATE INDEX t_name ON t (name);"
       "INSERT INTO p VALUES (1, 'a'); INSERT INTO t VALUES (1, 'x', 'a');",
       "CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT UNIQUE);"
       "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT COLLATE NOCASE, p_code TEXT,"
       " CONSTRAINT t_p FOREIGN KEY (p_code) REFERENCES p (code) ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED);"
       "CREATE INDEX t_name ON t (name COLLATE BINARY DESC, p_code);",
       "SELECT count(*) FROM t", 1},
      {"GeneratedAndCollatedColumns_SQLite", d, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
       "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE, b TEXT GENERATED ALWAYS AS (upper(a)) "
       "VIRTUAL);"},
  };
}

/// A schema with something of every kind, `owner_type` the type of accounts.owner and
/// `touch_body` what the trigger function does.
std::string everything(const std::string& owner_type, const std::string& touch_body, const std::string& labels) {
  return "CREATE TABLE accounts (id int PRIMARY KEY, owner " + owner_type +
         ", updated timestamptz);"
         "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " +
         touch_body +
         " RETURN NEW; END $$;"
         "CREATE FUNCTION owners() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM accounts';"
         "CREATE PROCEDURE tidy(days int) LANGUAGE sql AS $$ DELETE FROM accounts WHERE id < days $$;"
         "CREATE TRIGGER touch_it BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();"
         "CREATE TRIGGER off_one AFTER INSERT ON accounts FOR EACH STATEMENT EXECUTE FUNCTION touch();"
         "ALTER TABLE accounts DISABLE TRIGGER off_one;"
         "CREATE VIEW zz_base AS SELECT id, owner FROM accounts;"
         "CREATE VIEW \"Middle\" AS SELECT id FROM zz_base WHERE owner IS NOT NULL;"
         "CREATE VIEW aa_top AS SELECT count(*) AS n FROM \"Middle\";"
         "CREATE MATERIALIZED VIEW owner_counts AS SELECT owner, count(*) AS n FROM zz_base GROUP BY owner;"
         "CREATE UNIQUE INDEX owner_counts_owner ON owner_counts (owner);"
         "ALTER TABLE accounts ENABLE ROW LEVEL SECURITY; ALTER TABLE accounts FORCE ROW LEVEL SECURITY;"
         "CREATE POLICY mine ON accounts FOR SELECT USING (owner = current_user);"
         "CREATE POLICY strict_insert ON accounts AS RESTRICTIVE FOR INSERT TO PUBLIC WITH CHECK (id > 0);"
         "COMMENT ON TABLE accounts IS 'who owns what';"
         "COMMENT ON COLUMN accounts.owner IS 'a role name';"
         "COMMENT ON CONSTRAINT accounts_pkey ON accounts IS 'the key';"
         "COMMENT ON VIEW zz_base IS 'the base view';"
         "COMMENT ON MATERIALIZED VIEW owner_counts IS 'counted';"
         "COMMENT ON FUNCTION touch() IS 'keeps updated fresh';"
         "COMMENT ON PROCEDURE tidy(int) IS 'tidies';"
         "COMMENT ON TRIGGER touch_it ON accounts IS 'fires on update';"
         "CREATE TYPE kind AS ENUM (" +
         labels +
         "); COMMENT ON TYPE kind IS 'kinds';"
         "CREATE TABLE things (id int PRIMARY KEY, k kind NOT NULL DEFAULT 'x', account int REFERENCES accounts);"
         "CREATE DOMAIN pos AS int CHECK (VALUE > 0); COMMENT ON DOMAIN pos IS 'positive';"
         "CREATE SEQUENCE s; COMMENT ON SEQUENCE s IS 'a sequence';"
         "CREATE INDEX accounts_owner ON accounts (owner); COMMENT ON INDEX accounts_owner IS 'by owner';";
}

std::vector<ChangeCase> postgres_cases() {
  const auto d = Dialect::postgresql;
  return {
      {"EverythingFromNothing_Postgres", d, "SELECT 1;", everything("text", "NEW.updated := now();", "'x', 'y'")},
      {"EverythingChangesAtOnce_Postgres", d, everything("text", "NEW.updated := now();", "'x', 'y'"),
       everything("varchar(200)", "NEW.updated := clock_timestamp();", "'x', 'y', 'z'")},
      {"EverythingAndAnEnumLosingALabel_Postgres", d, everything("text", "NEW.updated := now();", "'x', 'y'"),
       everything("text", "NEW.updated := now();", "'w', 'x'")},
      {"TypeChanges_Postgres", d,
       "CREATE TABLE t (id integer PRIMARY KEY, n integer DEFAULT 0, s varchar(10)); INSERT INTO t VALUES (1, 2, 'x');",
       "CREATE TABLE t (id integer PRIMARY KEY, n bigint DEFAULT 0, s text);", "SELECT count(*) FROM t", 1},
      {"EnumAppendedAndRemovedLabels_Postgres", d,
       "CREATE TYPE mood AS ENUM ('sad', 'ok');"
       "CREATE TYPE size AS ENUM ('s', 'm', 'l');"
       "CREATE TABLE t (id integer PRIMARY KEY, m mood DEFAULT 'ok', z size, zs size[]);"
       "CREATE VIEW tv AS SELECT id, z FROM t;",
       "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');"
       "CREATE TYPE size AS ENUM ('s', 'l');"
       "CREATE TABLE t (id integer PRIMARY KEY, m mood DEFAULT 'ok', z size, zs size[]);"
       "CREATE VIEW tv AS SELECT id, z FROM t;"},
      {"DomainsAndFunctions_Postgres", d,
       "CREATE DOMAIN positive AS integer CONSTRAINT above_zero CHECK (VALUE > 0);"
       "CREATE TABLE t (id integer PRIMARY KEY, p positive);"
       "CREATE FUNCTION plus_one(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a + 1';"
       "CREATE FUNCTION gone() RETURNS integer LANGUAGE sql AS 'SELECT 1';",
       "CREATE DOMAIN positive AS integer CONSTRAINT above_zero CHECK (VALUE > 0);"
       "CREATE DOMAIN short_text AS text CONSTRAINT short CHECK (length(VALUE) < 10);"
       "CREATE TABLE t (id integer PRIMARY KEY, p positive, s short_text);"
       "CREATE FUNCTION plus_one(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a + 2';"
       "CREATE FUNCTION count_t() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM t';"},
      {"TriggersAndTheirFunctions_Postgres", d,
       "CREATE TABLE t (id integer PRIMARY KEY, touched timestamptz);"
       "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.touched := now(); RETURN NEW; END$$;"
       "CREATE TRIGGER t_touch_later AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch();"
       "CREATE TRIGGER t_touch BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch();",
       "CREATE TABLE t (id integer PRIMARY KEY, touched timestamptz, n integer);"
       "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.touched := now(); RETURN NEW; END$$;"
       "CREATE TRIGGER t_touch BEFORE INSERT OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();"
       "CREATE TRIGGER t_touch_later AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch();"
       "ALTER TABLE t DISABLE TRIGGER t_touch_later;"},
      {"SequencesAndSerials_Postgres", d,
       "CREATE SEQUENCE counter START 5; CREATE SEQUENCE old_one;"
       "CREATE TABLE t (id serial PRIMARY KEY);",
       "CREATE SEQUENCE counter START 5 INCREMENT 2 CACHE 3;"
       "CREATE SEQUENCE fresh;"
       "CREATE TABLE t (id serial PRIMARY KEY, n integer DEFAULT nextval('fresh'));"
       "CREATE TABLE u (id bigserial PRIMARY KEY);"},
      {"Comments_Postgres", d,
       "CREATE TABLE t (id integer PRIMARY KEY, a text); CREATE INDEX t_a ON t (a); CREATE VIEW v AS SELECT id FROM t;"
       "COMMENT ON TABLE t IS 'old'; COMMENT ON COLUMN t.a IS 'gone soon';",
       "CREATE TABLE t (id integer PRIMARY KEY, a text); CREATE INDEX t_a ON t (a); CREATE VIEW v AS SELECT id FROM t;"
       "COMMENT ON TABLE t IS 'new'; COMMENT ON INDEX t_a IS 'it''s an index'; COMMENT ON VIEW v IS 'v';"
       "COMMENT ON CONSTRAINT t_pkey ON t IS 'the key';"},
      {"SchemasExtensionsAndRowSecurity_Postgres", d, "CREATE TABLE t (id integer PRIMARY KEY, owner text);",
       "CREATE TABLE t (id integer PRIMARY KEY, owner text);"
       "CREATE SCHEMA app; CREATE TABLE app.items (id integer PRIMARY KEY, t_id integer REFERENCES public.t (id));"
       "CREATE EXTENSION IF NOT EXISTS pgcrypto;"
       "ALTER TABLE t ENABLE ROW LEVEL SECURITY;"
       "CREATE POLICY own_rows ON t FOR SELECT USING (owner = current_user);"},
      {"IdentityAndGeneratedColumns_Postgres", d,
       "CREATE TABLE t (id integer NOT NULL, a integer, b integer GENERATED ALWAYS AS (a * 2) STORED);",
       "CREATE TABLE t (id integer GENERATED BY DEFAULT AS IDENTITY, a integer,"
       " b integer GENERATED ALWAYS AS (a * 3) STORED);"},
      {"DomainsAlteredInPlaceAndCompositeTypes_Postgres", d,
       "CREATE DOMAIN code AS text CONSTRAINT short CHECK (length(VALUE) < 10);"
       "CREATE TYPE pair AS (x integer, y integer);"
       "CREATE TABLE t (id integer PRIMARY KEY, c code);",
       "CREATE DOMAIN code AS text DEFAULT 'none' NOT NULL CONSTRAINT lower_only CHECK (VALUE = lower(VALUE));"
       "CREATE TYPE pair AS (x integer, y integer, z integer);"
       "COMMENT ON DOMAIN code IS 'a code';"
       "CREATE TABLE t (id integer PRIMARY KEY, c code);"},
      {"MaterializedViewWithIndexOverAChangedColumn_Postgres", d,
       "CREATE TABLE t (id integer PRIMARY KEY, a integer);"
       "CREATE MATERIALIZED VIEW m AS SELECT id, a FROM t;"
       "CREATE UNIQUE INDEX m_id ON m (id);"
       "CREATE VIEW over_m AS SELECT id FROM m;",
       "CREATE TABLE t (id integer PRIMARY KEY, a numeric(10, 2));"
       "CREATE MATERIALIZED VIEW m AS SELECT id, a FROM t;"
       "CREATE UNIQUE INDEX m_id ON m (id);"
       "CREATE VIEW over_m AS SELECT id FROM m;"},
      {"PartitionedTablesWithKeysAndIndexes_Postgres", d, "CREATE TABLE kinds (kind text PRIMARY KEY);",
       "CREATE TABLE kinds (kind text PRIMARY KEY);"
       "CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, kind text NOT NULL REFERENCES kinds,"
       "  PRIMARY KEY (id, at, kind)) PARTITION BY RANGE (at);"
       "CREATE TABLE events_2020 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');"
       "CREATE TABLE events_rest PARTITION OF events DEFAULT PARTITION BY LIST (kind);"
       "CREATE TABLE events_rest_a PARTITION OF events_rest FOR VALUES IN ('a', 'b');"
       "CREATE INDEX events_kind ON events (kind);"},
      {"PolicyOverARetypedColumn_Postgres", d,
       "CREATE TABLE t (id integer PRIMARY KEY, owner varchar(20));"
       "ALTER TABLE t ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;"
       "CREATE POLICY mine ON t USING (owner = current_user);",
       "CREATE TABLE t (id integer PRIMARY KEY, owner text);"
       "ALTER TABLE t ENABLE ROW LEVEL SECURITY;"
       "CREATE POLICY mine ON t USING (owner = current_user);"
       "CREATE POLICY read_all ON t AS RESTRICTIVE FOR SELECT TO PUBLIC USING (true);"},
      {"FunctionSignaturesNotValidChecksAndRetypedKeys_Postgres", d,
       "CREATE TABLE p (id integer PRIMARY KEY);"
       "CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p, n integer);"
       "ALTER TABLE c ADD CONSTRAINT n_positive CHECK (n > 0) NOT VALID;"
       "CREATE FUNCTION f(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a';"
       "CREATE FUNCTION g(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a';"
       "CREATE VIEW gv AS SELECT g(1) AS one;"
       "CREATE FUNCTION rows_of_c() RETURNS SETOF c LANGUAGE sql AS 'SELECT * FROM c';"
       "CREATE VIEW fv AS SELECT f(1) AS one;",
       "CREATE TABLE p (id bigint PRIMARY KEY);"
       "CREATE TABLE c (id integer PRIMARY KEY, p_id bigint REFERENCES p, n integer);"
       "ALTER TABLE c ADD CONSTRAINT n_positive CHECK (n > 0);"
       "CREATE FUNCTION f(b integer) RETURNS bigint LANGUAGE sql AS 'SELECT b::bigint';"
       "CREATE FUNCTION g(a integer) RETURNS bigint LANGUAGE sql AS 'SELECT a::bigint';"
       "CREATE VIEW gv AS SELECT g(1) AS one;"
       "CREATE FUNCTION rows_of_c() RETURNS SETOF c LANGUAGE sql AS 'SELECT * FROM c';"
       "CREATE VIEW fv AS SELECT f(1) AS one;"},
      {"ConstraintAndIndexOptions_Postgres", d,
       "CREATE TABLE p (id integer PRIMARY KEY);"
       "CREATE TABLE t (id integer PRIMARY KEY, p_id integer, area circle, name text, n integer);"
       "CREATE INDEX t_name ON t (name);",
       "CREATE TABLE p (id integer PRIMARY KEY);"
       "CREATE UNLOGGED TABLE t (id integer PRIMARY KEY, p_id integer, area circle, name text, n integer,"
       " CONSTRAINT no_overlap EXCLUDE USING gist (area WITH &&),"
       " CONSTRAINT t_p_fkey FOREIGN KEY (p_id) REFERENCES p (id) MATCH FULL ON UPDATE CASCADE"
       "   DEFERRABLE INITIALLY DEFERRED);"
       "ALTER TABLE t ADD CONSTRAINT n_small CHECK (n < 10) NOT VALID;"
       "CREATE INDEX t_name ON t (name DESC NULLS LAST) INCLUDE (n);"
       "CREATE INDEX t_name_pattern ON t (name text_pattern_ops);"
       "CREATE INDEX t_n_hash ON t USING hash (n);"},
      {"PrimaryKeyChangeUnderAForeignKey_Postgres", d,
       "CREATE TABLE p (id integer, code text NOT NULL, CONSTRAINT p_pkey PRIMARY KEY (id));"
       "CREATE TABLE c (id integer PRIMARY KEY, p_id integer, CONSTRAINT c_p_fkey FOREIGN KEY (p_id) REFERENCES p "
       "(id));",
       "CREATE TABLE p (id integer, code text NOT NULL, CONSTRAINT p_pkey PRIMARY KEY (id, code), UNIQUE (id));"
       "CREATE TABLE c (id integer PRIMARY KEY, p_id integer, CONSTRAINT c_p_fkey FOREIGN KEY (p_id) REFERENCES p "
       "(id));"},
  };
}

std::vector<ChangeCase> cases() {
  std::vector<ChangeCase> out;
  auto add = [&](std::vector<ChangeCase> more) { out.insert(out.end(), more.begin(), more.end()); };
  add(both("AddedAndDroppedTables",
           "CREATE TABLE users (id integer PRIMARY KEY, name text);"
           "CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users (id));",
           "CREATE TABLE users (id integer PRIMARY KEY, name text);"
           "CREATE TABLE products (id integer PRIMARY KEY, name text NOT NULL);"));
  add(both("AddedColumnsAreAppended", "CREATE TABLE t (id integer PRIMARY KEY, a text);",
           "CREATE TABLE t (id integer PRIMARY KEY, a text, b integer NOT NULL DEFAULT 0, c text);"));
  add(both("DroppedColumnAndADropPlusAdd", "CREATE TABLE t (id integer PRIMARY KEY, a text, b integer, c text);",
           "CREATE TABLE t (id integer PRIMARY KEY, a text, d integer);"));
  add(both("NotNullAndDefaultChanges",
           "CREATE TABLE t (id integer PRIMARY KEY, a integer, b text DEFAULT 'x', c integer NOT NULL);"
           "INSERT INTO t VALUES (1, 5, 'y', 7);",
           "CREATE TABLE t (id integer PRIMARY KEY, a integer NOT NULL DEFAULT 1, b text, c integer);"));
  add(both("IndexesPartialExpressionUnique",
           "CREATE TABLE t (id integer PRIMARY KEY, a integer, b text, c text);"
           "CREATE INDEX t_a ON t (a);"
           "CREATE UNIQUE INDEX t_b ON t (b) WHERE b IS NOT NULL;",
           "CREATE TABLE t (id integer PRIMARY KEY, a integer, b text, c text);"
           "CREATE INDEX t_b ON t (b);"
           "CREATE INDEX t_lower_c ON t (lower(c));"
           "CREATE UNIQUE INDEX t_a_positive ON t (a) WHERE a > 0;"));
  add(both("ChecksUniquesAndForeignKeys",
           "CREATE TABLE p (id integer PRIMARY KEY);"
           "CREATE TABLE t (id integer PRIMARY KEY, a integer, b integer, CONSTRAINT a_positive CHECK (a > 0));",
           "CREATE TABLE p (id integer PRIMARY KEY);"
           "CREATE TABLE t (id integer PRIMARY KEY, a integer, b integer,"
           " CONSTRAINT t_b_key UNIQUE (b), CONSTRAINT b_small CHECK (b < 100),"
           " CONSTRAINT t_b_fkey FOREIGN KEY (b) REFERENCES p (id) ON DELETE CASCADE);"));
  const std::string cycle =
      "CREATE TABLE b (id integer PRIMARY KEY, a_id integer REFERENCES a (id));"
      "CREATE TABLE other (id integer PRIMARY KEY, a_id integer REFERENCES a (id));"
      "CREATE INDEX a_b ON a (b_id);";
  add({{"ForeignKeyCycle_SQLite", Dialect::sqlite, "CREATE TABLE other (id integer PRIMARY KEY);",
        "CREATE TABLE a (id integer PRIMARY KEY, b_id integer REFERENCES b (id));" + cycle},
       {"ForeignKeyCycle_Postgres", Dialect::postgresql, "CREATE TABLE other (id integer PRIMARY KEY);",
        "CREATE TABLE a (id integer PRIMARY KEY, b_id integer);" + cycle +
            "ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b (id);"}});
  add(both("QuotedNamesAndReservedWords",
           "CREATE TABLE \"Order\" (\"select\" integer PRIMARY KEY, \"Group Name\" text);"
           "CREATE VIEW \"from\" AS SELECT \"select\", \"Group Name\" FROM \"Order\";",
           "CREATE TABLE \"Order\" (\"select\" integer PRIMARY KEY, \"Group Name\" text, \"where\" text);"
           "CREATE INDEX \"Index On Select\" ON \"Order\" (\"where\");"
           "CREATE VIEW \"from\" AS SELECT \"select\", \"where\" FROM \"Order\";"));
  add({{"ViewsOnViewsOverAChangedColumn_SQLite", Dialect::sqlite,
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT);"
        "CREATE VIEW v1 AS SELECT id, a FROM t;"
        "CREATE VIEW v2 AS SELECT id FROM v1 WHERE a > 0;",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);"
        "CREATE VIEW v1 AS SELECT id, a FROM t;"
        "CREATE VIEW v2 AS SELECT id FROM v1 WHERE a > 0;"},
       {"ViewsOnViewsOverAChangedColumn_Postgres", Dialect::postgresql,
        "CREATE TABLE t (id integer PRIMARY KEY, a integer, b text);"
        "CREATE VIEW v1 AS SELECT id, a FROM t;"
        "CREATE VIEW v2 AS SELECT id FROM v1 WHERE a > 0;",
        "CREATE TABLE t (id integer PRIMARY KEY, a bigint);"
        "CREATE VIEW v1 AS SELECT id, a FROM t;"
        "CREATE VIEW v2 AS SELECT id FROM v1 WHERE a > 0;"}});
  add(sqlite_cases());
  add(postgres_cases());
  return out;
}

std::string case_name(const ::testing::TestParamInfo<ChangeCase>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Pairs, SchemaChangesTest, ::testing::ValuesIn(cases()), case_name);

}  // namespace
}  // namespace migrate
