// PostgreSQL-specific backend tests against a real server (MIGRATE_TEST_POSTGRES_URL, started
// by scripts/test.sh through scripts/pg-test-server.sh). The shared conformance suite runs on
// PostgreSQL from backend_conformance_test.cpp with the same URL.
//
// Isolation: ctest runs every test in its own process, in parallel. The environment below
// gives each process a private schema and points MIGRATE_TEST_POSTGRES_URL at it (through
// `options=-csearch_path=...`) before any test starts, so the conformance suite's fixed table
// names and the default advisory-lock key (current_schema() + "migrate_version") never meet
// another process's. Without a URL these tests skip, unless MIGRATE_REQUIRE_POSTGRES=1 (set
// by scripts/test.sh), where they fail.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>

#include "backend/backend.hpp"
#include "backend/postgres/postgres_backend.hpp"
#include "backend/sql_dialect.hpp"
#include "runtime/runner.hpp"

namespace migrate::backend::postgres {
namespace {

using namespace std::chrono_literals;

std::string append_param(const std::string& url, const std::string& param) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + param;
}

class PrivateSchemaEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* url = std::getenv("MIGRATE_TEST_POSTGRES_URL");
    if (!url || !*url) return;
    m_base = url;
    std::random_device random;
    m_schema = "mt_" + std::to_string(::getpid()) + "_" + std::to_string(random() % 100000);
    try {
      backend::open(m_base)->execute("CREATE SCHEMA " + m_schema);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "cannot prepare the test schema on %s: %s\n", redact_url(m_base).c_str(), e.what());
      m_schema.clear();
      return;
    }
    auto private_url = append_param(m_base, "options=-csearch_path%3D" + m_schema);
    ::setenv("MIGRATE_TEST_POSTGRES_URL", private_url.c_str(), 1);
    ::setenv("MIGRATE_TEST_POSTGRES_BASE_URL", m_base.c_str(), 1);
  }

  void TearDown() override {
    if (m_schema.empty()) return;
    try {
      backend::open(m_base)->execute("DROP SCHEMA " + m_schema + " CASCADE");
    } catch (const std::exception&) {
      // a throwaway server: a leftover schema is harmless
    }
    ::setenv("MIGRATE_TEST_POSTGRES_URL", m_base.c_str(), 1);
  }

 private:
  std::string m_base;
  std::string m_schema;
};

[[maybe_unused]] auto* const g_private_schema = ::testing::AddGlobalTestEnvironment(new PrivateSchemaEnvironment);

class PostgresBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("MIGRATE_TEST_POSTGRES_URL");
    if (!url || !*url) {
      const char* required = std::getenv("MIGRATE_REQUIRE_POSTGRES");
      if (required && std::string(required) == "1")
        FAIL() << "MIGRATE_REQUIRE_POSTGRES=1 but MIGRATE_TEST_POSTGRES_URL is not set: no PostgreSQL server";
      GTEST_SKIP() << "MIGRATE_TEST_POSTGRES_URL is not set (scripts/test.sh starts a server)";
    }
    m_url = url;
    m_db = open_pg();
  }

  std::unique_ptr<PostgresBackend> open_pg(const std::string& extra_param = {}) const {
    return std::make_unique<PostgresBackend>(extra_param.empty() ? m_url : append_param(m_url, extra_param));
  }

  std::string scalar(Backend& db, std::string_view sql) {
    auto rows = db.query(sql);
    return rows.empty() || rows[0].empty() ? "<none>" : rows[0][0].value_or("NULL");
  }

  /// The SQLSTATE of the error commit() throws; "" when it commits.
  std::string commit_error() {
    try {
      m_db->commit();
    } catch (const DatabaseError& e) {
      return e.details().sqlstate;
    }
    return "";
  }

  DatabaseError error_of(std::string_view script) {
    try {
      m_db->execute_script(script);
    } catch (const DatabaseError& e) {
      return e;
    }
    ADD_FAILURE() << "no error from: " << script;
    return DatabaseError("none", {});
  }

  std::string m_url;
  std::unique_ptr<PostgresBackend> m_db;
};

TEST_F(PostgresBackendTest, CapabilitiesAndDialect) {
  EXPECT_EQ(m_db->dialect(), Dialect::postgresql);
  EXPECT_TRUE(m_db->capabilities().transactional_ddl);
  EXPECT_TRUE(m_db->capabilities().schemas);
}

TEST_F(PostgresBackendTest, UserRelationsOfASchemaAreItsOwnAndNotAnExtensionsOrAnotherSchemas) {
  const std::string home = scalar(*m_db, "SELECT current_schema()");
  const std::string other = home + "_other";
  m_db->execute_script("CREATE TABLE ur_b (id int PRIMARY KEY); CREATE VIEW ur_a AS SELECT 1 AS x; "
                       "CREATE SEQUENCE ur_seq; CREATE INDEX ur_b_idx ON ur_b (id); CREATE SCHEMA " + other +
                       "; CREATE TABLE " + other + ".ur_c (id int)");
  EXPECT_EQ(m_db->user_relations(home, 10), (std::vector<std::string>{home + ".ur_a", home + ".ur_b"}));
  EXPECT_EQ(m_db->user_relations(home, 1), (std::vector<std::string>{home + ".ur_a"}));
  EXPECT_EQ(m_db->user_relations(other, 10), (std::vector<std::string>{other + ".ur_c"}));
  EXPECT_EQ(m_db->user_relations("no_such_schema", 10), std::vector<std::string>{});
  EXPECT_EQ(m_db->user_relations("information_schema", 10), std::vector<std::string>{}) << "the system's";
  // A new schema answers at the first probe; one whose only relation is a sequence passes
  // the probe and is listed as holding nothing.
  const std::string empty = home + "_empty", only_sequence = home + "_seq";
  m_db->execute_script("CREATE SCHEMA " + empty + "; CREATE SCHEMA " + only_sequence + "; CREATE SEQUENCE " +
                       only_sequence + ".s");
  EXPECT_EQ(m_db->user_relations(empty, 10), std::vector<std::string>{});
  EXPECT_EQ(m_db->user_relations(only_sequence, 10), std::vector<std::string>{});
  m_db->execute_script("CREATE TABLE " + empty + ".now_one (id int)");
  EXPECT_EQ(m_db->user_relations(empty, 10), (std::vector<std::string>{empty + ".now_one"}));
  m_db->execute_script("DROP SCHEMA " + other + " CASCADE; DROP SCHEMA " + empty + " CASCADE; DROP SCHEMA " +
                       only_sequence + " CASCADE");
  // `public`, made by initdb, is read by the other path: the same answer as the database-wide
  // list. Its table exists only in this session's transaction, out of the other tests' sight.
  m_db->begin();
  m_db->execute_script("CREATE TABLE public.ur_public_" + home + " (id int)");
  std::vector<std::string> in_public;
  for (const auto& name : m_db->user_relations("", 100000))
    if (name.rfind("public.", 0) == 0) in_public.push_back(name);
  EXPECT_FALSE(in_public.empty());
  if (in_public.size() > 50) in_public.resize(50);
  EXPECT_EQ(m_db->user_relations("public", 50), in_public);
  m_db->rollback();
}

TEST_F(PostgresBackendTest, ErrorPositionIsAByteOffsetIntoTheScript) {
  std::string script = "SELECT 'é€ü';\n\nSELECT x FROM no_such_table_é;\nSELECT 3;";
  auto e = error_of(script);
  EXPECT_EQ(e.details().sqlstate, "42P01");
  EXPECT_EQ(e.details().position, static_cast<long>(script.find("no_such_table_é"))) << e.what();
  EXPECT_NE(std::string(e.what()).find("[42P01]"), std::string::npos) << e.what();

  // Inside a transaction the script goes as one query: same offset.
  m_db->begin();
  auto in_tx = error_of(script);
  EXPECT_EQ(in_tx.details().position, static_cast<long>(script.find("no_such_table_é")));
  m_db->rollback();
}

TEST_F(PostgresBackendTest, ErrorWithoutServerPositionPointsAtItsStatement) {
  m_db->execute_script("CREATE TABLE uq (x INTEGER PRIMARY KEY); INSERT INTO uq VALUES (1);");
  std::string script = "INSERT INTO uq VALUES (2);\n-- the next one fails\nINSERT INTO uq VALUES (1);\nSELECT 1;";
  m_db->begin();
  auto e = error_of(script);
  m_db->rollback();
  EXPECT_EQ(e.details().sqlstate, "23505");
  EXPECT_EQ(e.details().position, static_cast<long>(script.find("INSERT INTO uq VALUES (1)")));
  EXPECT_EQ(e.details().detail, "Key (x)=(1) already exists.");
  EXPECT_NE(std::string(e.what()).find("DETAIL: Key (x)=(1) already exists."), std::string::npos) << e.what();
}

TEST_F(PostgresBackendTest, ServerHintIsKept) {
  auto e = error_of("SELECT no_such_function(1)");
  EXPECT_EQ(e.details().sqlstate, "42883");
  EXPECT_FALSE(e.details().server_hint.empty());
  EXPECT_EQ(e.hint(), e.details().server_hint);
  EXPECT_EQ(e.details().position, 7);
}

TEST_F(PostgresBackendTest, ConcurrentIndexInATransactionSaysToMarkTheRevisionNonTransactional) {
  m_db->execute_script("CREATE TABLE ci (x INTEGER)");
  m_db->begin();
  auto e = error_of("CREATE INDEX CONCURRENTLY ci_x ON ci (x)");
  m_db->rollback();
  EXPECT_EQ(e.details().sqlstate, "25001");
  EXPECT_NE(e.hint().find("transactional = false"), std::string::npos) << e.hint();
  EXPECT_NE(std::string(e.what()).find("transactional = false"), std::string::npos) << e.what();
  // Outside a transaction it runs.
  m_db->execute_script("CREATE INDEX CONCURRENTLY ci_x ON ci (x)");
  EXPECT_EQ(scalar(*m_db, "SELECT count(*) FROM pg_indexes WHERE indexname = 'ci_x'"), "1");
}

TEST_F(PostgresBackendTest, ScriptOutsideATransactionKeepsStatementsBeforeAFailure) {
  auto e = error_of("CREATE TABLE kept (x INTEGER);\nINSERT INTO kept VALUES (1);\nINSERT INTO kept VALUES ('x');");
  EXPECT_EQ(e.details().sqlstate, "22P02");
  EXPECT_EQ(scalar(*m_db, "SELECT count(*) FROM kept"), "1");
}

TEST_F(PostgresBackendTest, FunctionBodiesRunAsWritten) {
  m_db->execute_script(
      "CREATE FUNCTION f_plpgsql() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;\n"
      "CREATE FUNCTION f_atomic(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 2 "
      "ELSE 0 END; END;\n"
      "CREATE TABLE fb AS SELECT f_plpgsql() + f_atomic(1) AS v, E'a\\';b' AS s;");
  EXPECT_EQ(scalar(*m_db, "SELECT v FROM fb"), "3");
  EXPECT_EQ(scalar(*m_db, "SELECT s FROM fb"), "a';b");
}

TEST_F(PostgresBackendTest, CommitOfAnAbortedTransactionFails) {
  m_db->begin();
  error_of("SELECT 1/0");
  EXPECT_TRUE(m_db->in_transaction());
  EXPECT_EQ(commit_error(), "25P02");
  EXPECT_FALSE(m_db->in_transaction());
}

TEST_F(PostgresBackendTest, BeginGoesOutWithTheTransactionsFirstStatement) {
  m_db->execute_script("CREATE TABLE deferred_begin (x INTEGER)");
  auto other = open_pg();
  auto open_transactions = [&] {
    return scalar(*other, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + std::to_string(m_db->backend_pid()) +
                              " AND xact_start IS NOT NULL");
  };
  // Nothing is sent until a statement is: an empty transaction commits and rolls back as none.
  m_db->begin();
  EXPECT_TRUE(m_db->in_transaction());
  EXPECT_EQ(open_transactions(), "0");
  m_db->commit();
  EXPECT_FALSE(m_db->in_transaction());
  m_db->begin();
  m_db->rollback();
  EXPECT_FALSE(m_db->in_transaction());

  // The first statement runs inside the transaction: rolled back with it, unseen before.
  m_db->begin();
  EXPECT_EQ(m_db->execute("INSERT INTO deferred_begin VALUES (1), (2)"), 2);
  EXPECT_EQ(open_transactions(), "1");
  EXPECT_EQ(scalar(*other, "SELECT count(*) FROM deferred_begin"), "0");
  m_db->rollback();
  EXPECT_EQ(scalar(*m_db, "SELECT count(*) FROM deferred_begin"), "0");

  // A batch's counts and rows are its own statements', not the BEGIN's.
  m_db->begin();
  auto batch = m_db->execute_batch({"INSERT INTO deferred_begin VALUES (3)", "UPDATE deferred_begin SET x = 4",
                                    "SELECT x FROM deferred_begin"});
  EXPECT_EQ(batch.changes, (std::vector<long long>{1, 1, 1}));
  ASSERT_EQ(batch.last_rows.size(), 1u);
  EXPECT_EQ(batch.last_rows[0][0].value_or(""), "4");
  m_db->commit();
  EXPECT_EQ(scalar(*other, "SELECT count(*) FROM deferred_begin"), "1");

  // A query's rows, and a failing first statement's place and statement index.
  m_db->begin();
  EXPECT_EQ(scalar(*m_db, "SELECT 41 + 1"), "42");
  m_db->rollback();
  m_db->begin();
  std::string script = "INSERT INTO deferred_begin VALUES (5);\nINSERT INTO deferred_begin VALUES ('x');";
  auto e = error_of(script);
  EXPECT_EQ(e.details().position, static_cast<long>(script.find("'x'"))) << e.what();
  EXPECT_TRUE(m_db->in_transaction());
  m_db->rollback();
  EXPECT_EQ(scalar(*m_db, "SELECT count(*) FROM deferred_begin"), "1");

  // A first statement the server refuses whole runs nothing, its BEGIN included: the
  // transaction stands as an aborted one, which refuses statements and a commit.
  m_db->begin();
  auto syntax = error_of("SELEC 1");
  EXPECT_EQ(syntax.details().sqlstate, "42601");
  EXPECT_EQ(syntax.details().position, 0) << syntax.what();
  EXPECT_TRUE(m_db->in_transaction());
  EXPECT_EQ(error_of("INSERT INTO deferred_begin VALUES (6)").details().sqlstate, "25P02");
  EXPECT_EQ(commit_error(), "25P02");
  EXPECT_FALSE(m_db->in_transaction());
  m_db->begin();
  error_of("SELEC 2");
  m_db->rollback();
  EXPECT_FALSE(m_db->in_transaction());
  EXPECT_EQ(scalar(*m_db, "SELECT count(*) FROM deferred_begin"), "1");
}

TEST_F(PostgresBackendTest, TableExistsHonoursTheSchema) {
  std::string other = "other_" + std::to_string(::getpid());
  m_db->execute_script("DROP SCHEMA IF EXISTS " + other + " CASCADE; CREATE SCHEMA " + other +
                       "; CREATE TABLE " + other + ".elsewhere (x INTEGER); CREATE TABLE here (x INTEGER)");
  EXPECT_TRUE(m_db->catalog().table_exists(other, "elsewhere"));
  EXPECT_FALSE(m_db->catalog().table_exists("", "elsewhere"));  // not on the search_path
  EXPECT_TRUE(m_db->catalog().table_exists("", "here"));
  EXPECT_FALSE(m_db->catalog().table_exists(other, "here"));
  EXPECT_TRUE(m_db->catalog().table_exists("pg_catalog", "pg_class"));
  m_db->execute_script("CREATE TABLE \"Mixed Case\" (x INTEGER)");
  EXPECT_TRUE(m_db->catalog().table_exists("", "Mixed Case"));
  m_db->execute("DROP SCHEMA " + other + " CASCADE");
}

TEST_F(PostgresBackendTest, ColumnNamesInDeclarationOrder) {
  std::string other = "cols_" + std::to_string(::getpid());
  m_db->execute_script("DROP SCHEMA IF EXISTS " + other + " CASCADE; CREATE SCHEMA " + other +
                       "; CREATE TABLE cn (zeta INTEGER, \"Mixed Case\" TEXT, dropped INTEGER, alpha TEXT);"
                       "ALTER TABLE cn DROP COLUMN dropped; ALTER TABLE cn ADD COLUMN added INTEGER;"
                       "CREATE TABLE " + other + ".cn (elsewhere INTEGER)");
  auto expected = std::vector<std::string>{"zeta", "Mixed Case", "alpha", "added"};
  EXPECT_EQ(m_db->catalog().column_names("", "cn"), expected);  // the one on the search_path
  EXPECT_EQ(m_db->catalog().column_names(scalar(*m_db, "SELECT current_schema()"), "cn"), expected);
  EXPECT_EQ(m_db->catalog().column_names(other, "cn"), std::vector<std::string>{"elsewhere"});
  EXPECT_TRUE(m_db->catalog().column_names("", "CN").empty());  // exact names, as table_exists
  EXPECT_TRUE(m_db->catalog().column_names("", "missing").empty());
  m_db->execute("DROP SCHEMA " + other + " CASCADE");
}

TEST_F(PostgresBackendTest, ObjectExistsFindsTablesColumnsIndexesAndConstraints) {
  using Kind = CatalogObject::Kind;
  std::string other = "objs_" + std::to_string(::getpid());
  m_db->execute_script(
      "DROP SCHEMA IF EXISTS " + other + " CASCADE; CREATE SCHEMA " + other +
      ";\nCREATE TABLE users (id INTEGER PRIMARY KEY, \"Email\" TEXT, note TEXT);\n"
      "ALTER TABLE users ADD CONSTRAINT \"Email Unique\" UNIQUE (\"Email\");\n"
      "ALTER TABLE users ADD CONSTRAINT id_positive CHECK (id > 0);\n"
      "CREATE INDEX users_note ON users (note);\n"
      "CREATE VIEW users_view AS SELECT id FROM users;\n"
      "CREATE TABLE " + other + ".elsewhere (x INTEGER CONSTRAINT x_positive CHECK (x > 0));\n"
      "CREATE INDEX elsewhere_x ON " + other + ".elsewhere (x);");
  auto exists = [&](Kind kind, std::string table, std::string name, std::string schema = "") {
    return m_db->catalog().object_exists({kind, std::move(schema), std::move(table), std::move(name)});
  };
  std::string here = scalar(*m_db, "SELECT current_schema()");
  EXPECT_TRUE(exists(Kind::table, "users", ""));
  EXPECT_TRUE(exists(Kind::table, "users", "", here));
  EXPECT_FALSE(exists(Kind::table, "USERS", ""));      // folded names come in folded
  EXPECT_FALSE(exists(Kind::table, "users_view", ""));  // a view is no table
  EXPECT_FALSE(exists(Kind::table, "users_note", ""));  // nor an index
  EXPECT_FALSE(exists(Kind::table, "elsewhere", ""));   // not on the search_path
  EXPECT_TRUE(exists(Kind::table, "elsewhere", "", other));
  EXPECT_FALSE(exists(Kind::table, "users", "", other));
  EXPECT_FALSE(exists(Kind::table, "users", "", "no_such_schema"));

  EXPECT_TRUE(exists(Kind::column, "users", "Email"));
  EXPECT_FALSE(exists(Kind::column, "users", "email"));
  EXPECT_TRUE(exists(Kind::column, "users", "note"));
  EXPECT_FALSE(exists(Kind::column, "users", "ctid"));  // system columns do not count
  EXPECT_TRUE(exists(Kind::column, "elsewhere", "x", other));
  EXPECT_FALSE(exists(Kind::column, "elsewhere", "x"));

  EXPECT_TRUE(exists(Kind::index, "", "users_note"));
  EXPECT_TRUE(exists(Kind::index, "users", "users_note"));
  EXPECT_TRUE(exists(Kind::index, "users", "users_pkey"));
  EXPECT_FALSE(exists(Kind::index, "elsewhere", "users_note"));
  EXPECT_FALSE(exists(Kind::index, "", "elsewhere_x"));
  EXPECT_TRUE(exists(Kind::index, "elsewhere", "elsewhere_x", other));

  EXPECT_TRUE(exists(Kind::constraint, "users", "Email Unique"));
  EXPECT_TRUE(exists(Kind::constraint, "users", "id_positive"));
  EXPECT_TRUE(exists(Kind::constraint, "users", "users_pkey"));
  EXPECT_FALSE(exists(Kind::constraint, "users", "email unique"));
  EXPECT_FALSE(exists(Kind::constraint, "users", "x_positive"));
  EXPECT_TRUE(exists(Kind::constraint, "elsewhere", "x_positive", other));

  m_db->execute_script(
      "ALTER TABLE users DROP CONSTRAINT id_positive; DROP INDEX users_note; ALTER TABLE users DROP COLUMN note;"
      "DROP SCHEMA " + other + " CASCADE");
  EXPECT_FALSE(exists(Kind::constraint, "users", "id_positive"));
  EXPECT_FALSE(exists(Kind::index, "", "users_note"));
  EXPECT_FALSE(exists(Kind::column, "users", "note"));
  EXPECT_FALSE(exists(Kind::table, "elsewhere", "", other));
  EXPECT_THROW(exists(Kind::constraint, "", "id_positive"), Error);
}

TEST(PostgresUrlTest, UrlWithoutPasswordDropsItEntirely) {
  auto t = ConnectionTarget::from_url("postgresql+psycopg2://alice:s3cr%40t@db.example:5433/app?sslmode=require&password=other&application_name=x");
  EXPECT_EQ(t.without_password, "postgresql://alice@db.example:5433/app?sslmode=require&application_name=x");
  EXPECT_EQ(ConnectionTarget::from_url("postgres://bob@h/db?password=pw").without_password, "postgresql://bob@h/db");
  EXPECT_EQ(ConnectionTarget::from_url("postgresql:///db?host=/tmp").without_password, "postgresql:///db?host=/tmp");
}

TEST_F(PostgresBackendTest, DatabaseUserAndApplicationName) {
  EXPECT_EQ(m_db->database_user(), scalar(*m_db, "SELECT session_user"));
  EXPECT_EQ(scalar(*m_db, "SHOW application_name"), "migrate");
  EXPECT_EQ(scalar(*m_db, "SHOW client_encoding"), "UTF8");
  auto named = open_pg("application_name=deployer");
  EXPECT_EQ(scalar(*named, "SHOW application_name"), "deployer");
}

TEST_F(PostgresBackendTest, SessionTimeoutsAreSetAndReset) {
  m_db->set_session_timeouts("1500ms", "2s");
  EXPECT_EQ(scalar(*m_db, "SHOW lock_timeout"), "1500ms");
  EXPECT_EQ(scalar(*m_db, "SHOW statement_timeout"), "2s");
  m_db->set_session_timeouts(std::nullopt, "100ms");
  EXPECT_EQ(scalar(*m_db, "SHOW lock_timeout"), "0");
  auto e = error_of("SELECT pg_sleep(2)");
  EXPECT_EQ(e.details().sqlstate, "57014");
  m_db->set_session_timeouts(std::nullopt, std::nullopt);
  EXPECT_EQ(scalar(*m_db, "SHOW statement_timeout"), "0");
  EXPECT_THROW(m_db->set_session_timeouts("soon", std::nullopt), DatabaseError);
}

TEST_F(PostgresBackendTest, LostConnectionIsADatabaseError) {
  auto killer = open_pg();
  killer->query("SELECT pg_terminate_backend(" + std::to_string(m_db->backend_pid()) + ")");
  std::this_thread::sleep_for(100ms);
  try {
    m_db->query("SELECT 1");
    FAIL() << "query on a terminated session succeeded";
  } catch (const DatabaseError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::database);
    EXPECT_NE(std::string(e.what()).find("lost the connection"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(m_db->in_transaction());
  m_db->rollback();  // never throws
}

TEST_F(PostgresBackendTest, LockTimeoutNamesTheHoldersPidUserAndApplication) {
  auto holder = open_pg("application_name=holder_app");
  holder->locker()->lock(1s);
  ASSERT_NE(holder->lock_session_pid(), 0);
  auto waiter = open_pg();
  auto start = std::chrono::steady_clock::now();
  try {
    waiter->locker()->lock(300ms);
    FAIL() << "second lock succeeded";
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_EQ(e.kind(), ErrorKind::lock_timeout);
    EXPECT_NE(what.find("server pid " + std::to_string(holder->lock_session_pid())), std::string::npos) << what;
    EXPECT_NE(what.find("application 'holder_app'"), std::string::npos) << what;
    EXPECT_NE(what.find("user " + m_db->database_user()), std::string::npos) << what;
    EXPECT_NE(e.hint().find("pg_terminate_backend(" + std::to_string(holder->lock_session_pid()) + ")"),
              std::string::npos)
        << e.hint();
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
  const auto session = holder->lock_session_pid();
  holder->locker()->unlock();
  EXPECT_EQ(holder->lock_session_pid(), session);  // kept for the next lock, without the lock
  EXPECT_NO_THROW(waiter->locker()->lock(1s));
  EXPECT_THROW(holder->locker()->lock(200ms), Error);
  EXPECT_EQ(holder->lock_session_pid(), 0);  // closed after a timeout
  waiter->locker()->unlock();
}

TEST_F(PostgresBackendTest, LockIsReleasedWhenTheHolderIsDestroyed) {
  auto holder = open_pg();
  holder->locker()->lock(1s);
  holder.reset();
  EXPECT_NO_THROW(m_db->locker()->lock(2s));
  m_db->locker()->unlock();
}

TEST_F(PostgresBackendTest, LockDiesWithAKilledSession) {
  auto holder = open_pg();
  holder->locker()->lock(1s);
  m_db->query("SELECT pg_terminate_backend(" + std::to_string(holder->lock_session_pid()) + ")");
  EXPECT_NO_THROW(m_db->locker()->lock(2s));
  holder->locker()->unlock();  // its session is gone: a warning, not an exception
  m_db->locker()->unlock();
}

TEST_F(PostgresBackendTest, LockKeyFollowsTheVersionTable) {
  auto a = open_pg();
  auto b = open_pg();
  a->locker()->set_lock_key("tenant_a", "migrate_version");
  b->locker()->set_lock_key("tenant_b", "migrate_version");
  a->locker()->lock(1s);
  EXPECT_NO_THROW(b->locker()->lock(1s));  // different version tables: no exclusion
  b->locker()->unlock();
  b->locker()->set_lock_key("tenant_a", "migrate_version");
  EXPECT_THROW(b->locker()->lock(200ms), Error);
  a->locker()->unlock();
}

TEST_F(PostgresBackendTest, LockIsNotHeldInAnOpenTransaction) {
  m_db->locker()->lock(1s);
  auto pid = m_db->lock_session_pid();
  auto state = scalar(*m_db, "SELECT state FROM pg_stat_activity WHERE pid = " + std::to_string(pid));
  EXPECT_EQ(state, "idle");  // not "idle in transaction"
  m_db->locker()->unlock();
}

TEST_F(PostgresBackendTest, WaitingRunnerDoesNotBlockAConcurrentIndexBuild) {
  m_db->execute_script("CREATE TABLE cic (x INTEGER); INSERT INTO cic SELECT generate_series(1, 1000)");
  m_db->locker()->lock(1s);
  auto waiter = open_pg();
  std::atomic<bool> waiter_locked{false};
  std::thread t([&] {
    try {
      waiter->locker()->lock(20s);
      waiter_locked = true;
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  });
  std::this_thread::sleep_for(300ms);  // the waiter is polling now
  auto start = std::chrono::steady_clock::now();
  m_db->execute_script("CREATE INDEX CONCURRENTLY cic_x ON cic (x)");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_FALSE(waiter_locked);
  m_db->locker()->unlock();
  t.join();
  EXPECT_TRUE(waiter_locked);
  waiter->locker()->unlock();
}

TEST_F(PostgresBackendTest, RunnerKeepsItsTablesInTheVersionTableSchema) {
  std::string schema = "vts_" + std::to_string(::getpid());
  m_db->execute_script("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
  std::map<std::string, script::RevisionFile> files;
  auto add = [&](const std::string& id, std::vector<std::string> down, std::string up, bool transactional) {
    auto& f = files[id];
    f.path = "versions/" + id + ".sql";
    f.id = id;
    f.down_revisions = std::move(down);
    f.transactional = transactional;
    f.upgrade_sections()[""] = {std::move(up), 3};
    f.downgrade_sections()[""] = {"", 9};
  };
  add("p1", {}, "CREATE TABLE items (x INTEGER);\nINSERT INTO items VALUES (1), (2);", true);
  add("p2", {"p1"}, "CREATE INDEX CONCURRENTLY items_x ON items (x);", false);
  runtime::RunSettings settings;
  settings.version_table = {schema, "app_version"};
  settings.command = runtime::Command::upgrade;
  settings.lock_timeout = 2s;
  m_db->locker()->set_lock_key(schema, "app_version");
  runtime::Runner runner(*m_db, settings, [&](const std::string& id) -> const script::RevisionFile* {
    auto it = files.find(id);
    return it == files.end() ? nullptr : &it->second;
  });
  using graph::VersionOp;
  graph::Plan plan{{},
                   {{graph::Direction::upgrade, "p1", {}, {"p1"}, {VersionOp::insert("p1")}},
                    {graph::Direction::upgrade, "p2", {"p1"}, {"p2"}, {VersionOp::update("p1", "p2")}}},
                   {"p2"}};
  runner.run([&](const auto&) { return plan; });
  EXPECT_TRUE(m_db->catalog().table_exists(schema, "app_version"));
  EXPECT_TRUE(m_db->catalog().table_exists(schema, "app_version_journal"));
  EXPECT_FALSE(m_db->catalog().table_exists("", "app_version"));
  EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"p2"}));
  EXPECT_EQ(scalar(*m_db, "SELECT count(*) FROM " + schema + ".app_version_journal WHERE status = 'applied'"), "2");
  EXPECT_EQ(scalar(*m_db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_x'::regclass"), "t");
  auto next = open_pg();  // the run released its lock
  next->locker()->set_lock_key(schema, "app_version");
  EXPECT_NO_THROW(next->locker()->lock(100ms));
  next->locker()->unlock();
  m_db->execute("DROP SCHEMA " + schema + " CASCADE");
}

TEST_F(PostgresBackendTest, HomeSchemaIsFixedWhenTheConnectionIsMade) {
  auto schema = scalar(*m_db, "SELECT current_schema()");
  ASSERT_NE(schema, "NULL");
  auto db = open_pg();
  db->execute("SELECT pg_catalog.set_config('search_path', '', false)");
  EXPECT_EQ(scalar(*db, "SELECT coalesce(current_schema(), 'none')"), "none");
  // Asked after the path changed, it still answers from the path read at connect.
  EXPECT_EQ(db->home_schema("migrate_version"), schema);
  EXPECT_EQ(runtime::on_connection(*db, {"", "migrate_version"}).schema, schema);
  EXPECT_EQ(runtime::on_connection(*db, {"elsewhere", "migrate_version"}).schema, "elsewhere");
}

TEST_F(PostgresBackendTest, HomeSchemaIsWhereTheSearchPathFindsTheTable) {
  auto base = std::getenv("MIGRATE_TEST_POSTGRES_BASE_URL");
  ASSERT_TRUE(base && *base);
  std::string first = "hs_first_" + std::to_string(::getpid());
  std::string second = "hs_second_" + std::to_string(::getpid());
  m_db->execute_script("DROP SCHEMA IF EXISTS " + first + " CASCADE; DROP SCHEMA IF EXISTS " + second +
                       " CASCADE; CREATE SCHEMA " + first + "; CREATE SCHEMA " + second + "; CREATE TABLE " + second +
                       ".app_version (version_num VARCHAR(32) NOT NULL)");
  auto db = std::make_unique<PostgresBackend>(append_param(base, "options=-csearch_path%3D" + first + "%2C" + second));
  EXPECT_EQ(db->home_schema("app_version"), second);  // found later in the path
  EXPECT_EQ(db->home_schema("other_version"), first);  // not found: created in current_schema()
  m_db->execute_script("DROP SCHEMA " + first + " CASCADE; DROP SCHEMA " + second + " CASCADE");
}

TEST_F(PostgresBackendTest, EmptySearchPathAtConnectFallsBackToPublic) {
  auto base = std::getenv("MIGRATE_TEST_POSTGRES_BASE_URL");
  ASSERT_TRUE(base && *base);
  auto db = std::make_unique<PostgresBackend>(append_param(base, "options=-csearch_path%3D"));
  EXPECT_EQ(scalar(*db, "SELECT coalesce(current_schema(), 'none')"), "none");
  EXPECT_EQ(db->home_schema("migrate_version"), "public");
}

// The version-table functions name the table as on the connection, so they keep working on a
// connection whose search_path a revision emptied.
TEST_F(PostgresBackendTest, VersionTableSurvivesAnEmptiedSearchPath) {
  runtime::VersionTable vt{"", "sp_version"};
  m_db->execute("SELECT pg_catalog.set_config('search_path', '', false)");
  runtime::ensure_version_table(*m_db, vt);
  EXPECT_FALSE(runtime::run_version_ops(*m_db, vt, {graph::VersionOp::insert("a1")}));
  EXPECT_EQ(runtime::read_version_rows(*m_db, vt), std::vector<std::string>{"a1"});
  auto schema = runtime::on_connection(*m_db, vt).schema;
  EXPECT_TRUE(m_db->catalog().table_exists(schema, "sp_version"));
  m_db->execute("DROP TABLE " + sql::qualified_name(Dialect::postgresql, schema, "sp_version"));
}

TEST_F(PostgresBackendTest, ReservedAndMixedCaseVersionTableNamesWork) {
  for (std::string name : {"window", "Versions", "user", "with space"}) {
    m_db->execute(sql::create_version_table(Dialect::postgresql, "", name));
    EXPECT_TRUE(m_db->catalog().table_exists("", name)) << name;
    m_db->execute(sql::insert_version(Dialect::postgresql, "", name, "a1"));
    EXPECT_EQ(m_db->execute(sql::update_version(Dialect::postgresql, "", name, "a1", "b2")), 1) << name;
    EXPECT_EQ(scalar(*m_db, sql::select_versions(Dialect::postgresql, "", name)), "b2") << name;
    m_db->execute(sql::create_journal_table(Dialect::postgresql, "", name + "_journal"));
  }
  EXPECT_EQ(sql::quote_ident(Dialect::sqlite, "window"), "window");
}

TEST_F(PostgresBackendTest, RegistryOpensBothSchemes) {
  auto rest = m_url.substr(m_url.find("://"));
  for (std::string scheme : {"postgresql", "postgres", "postgresql+psycopg2"}) {
    auto db = backend::open(scheme + rest);
    EXPECT_EQ(db->dialect(), Dialect::postgresql) << scheme;
    EXPECT_EQ(scalar(*db, "SELECT 1"), "1");
  }
}

TEST_F(PostgresBackendTest, NoticesDoNotBreakStatements) {
  m_db->execute_script("DROP TABLE IF EXISTS never_there; DROP TABLE IF EXISTS never_there_either");
  EXPECT_FALSE(m_db->catalog().table_exists("", "never_there"));
}

}  // namespace
}  // namespace migrate::backend::postgres
