// The PostgreSQL statement scanner and URL handling: pure code, no server needed, except the
// server-oracle tests of the shared SQL lexer (skipped without MIGRATE_TEST_POSTGRES_URL).

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdlib>

#include <string>
#include <vector>

#include "backend/postgres/postgres_backend.hpp"
#include "sql/lexer.hpp"
#include "sql/statements.hpp"

namespace migrate::backend::postgres {
namespace {

std::vector<std::string> statements(std::string_view sql) {
  std::vector<std::string> out;
  for (auto span : sql::statement_spans(sql, Dialect::postgresql))
    out.emplace_back(sql.substr(span.begin, span.terminator_end - span.begin));
  return out;
}

// The backend runs statement_spans' spans through their ';' (tests/unit/sql/statement_spans_test.cpp
// has the cases), or to the end of the script.
TEST(StatementScannerTest, SpansRunThroughTheirTerminator) {
  EXPECT_EQ(statements("SELECT 1; SELECT $$;$$; -- c\n;\nSELECT 3 -- end\n"),
            (std::vector<std::string>{"SELECT 1;", "SELECT $$;$$;", "SELECT 3 -- end\n"}));
  EXPECT_EQ(sql::byte_offset_of_position("SELECT 'é' FROM nope", 17, true), 17u);
}

// The server is the oracle where a server is configured: the token the server names in a
// syntax error is the token the lexer finds at that position, and a script the server
// accepts gives one result per statement the splitter finds.
class ServerOracleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("MIGRATE_TEST_POSTGRES_URL");
    if (!url || !*url) {
      const char* required = std::getenv("MIGRATE_REQUIRE_POSTGRES");
      if (required && std::string(required) == "1") FAIL() << "MIGRATE_REQUIRE_POSTGRES=1 but no server";
      GTEST_SKIP() << "MIGRATE_TEST_POSTGRES_URL is not set";
    }
    m_conn = PQconnectdb(url);
    ASSERT_EQ(PQstatus(m_conn), CONNECTION_OK) << PQerrorMessage(m_conn);
    // Everything runs inside one transaction that is rolled back: nothing stays behind.
    PQclear(PQexec(m_conn, "BEGIN"));
  }
  void TearDown() override {
    if (!m_conn) return;
    PQclear(PQexec(m_conn, "ROLLBACK"));
    PQfinish(m_conn);
  }

  struct Outcome {
    int results = 0;          // statements the server ran
    std::string error;        // the first error's message, empty when none
    long error_position = 0;  // its 1-based character position, 0 when none
  };

  Outcome run(const std::string& sql) {
    Outcome out;
    PQclear(PQexec(m_conn, "SAVEPOINT oracle"));
    EXPECT_EQ(PQsendQuery(m_conn, sql.c_str()), 1) << PQerrorMessage(m_conn);
    while (PGresult* r = PQgetResult(m_conn)) {
      const auto status = PQresultStatus(r);
      if (status == PGRES_FATAL_ERROR && out.error.empty()) {
        out.error = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
        const char* position = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
        out.error_position = position ? std::atol(position) : 0;
      } else if (status != PGRES_FATAL_ERROR) {
        ++out.results;
      }
      PQclear(r);
    }
    PQclear(PQexec(m_conn, "ROLLBACK TO SAVEPOINT oracle"));
    return out;
  }

  PGconn* m_conn = nullptr;
};

TEST_F(ServerOracleTest, TheServerNamesTheTokenTheLexerFinds) {
  struct Case {
    std::string sql;
    std::string token;  // what the lexer reads at the server's error position
  };
  for (const Case& c : {Case{"SELECT 1$$;$$ junk", "$$;$$"}, Case{"SELECT 1.5$$ x $$ more", "$$ x $$"},
                        Case{"SELECT $1$$ x $$ more", "$$ x $$"}, Case{"SELECT 1e5$$ x $$ more", "1e5$$"},
                        Case{"SELECT 1x$$ x $$ more", "1x$$"}, Case{"SELECT a$$ x $$ more", "$$ more"},
                        Case{"SELECT $1abc, 2", "$1abc"}}) {
    const Outcome outcome = run(c.sql);
    ASSERT_GT(outcome.error_position, 0) << c.sql << ": " << outcome.error;
    const std::size_t offset = sql::byte_offset_of_position(c.sql, outcome.error_position, true);
    std::string found;
    for (const auto& t : sql::tokenize(c.sql, Dialect::postgresql)) {
      if (t.begin == offset) found = std::string(t.text);
    }
    EXPECT_EQ(found, c.token) << c.sql << ": " << outcome.error;
    EXPECT_NE(outcome.error.find(c.token), std::string::npos) << c.sql << ": " << outcome.error;
  }
}

TEST_F(ServerOracleTest, TheServerRunsOneResultPerStatement) {
  for (const std::string sql :
       {"CREATE FUNCTION begin() RETURNS void LANGUAGE sql AS $$ $$; SELECT 1;",
        "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 END; "
        "SELECT 2; END; SELECT 3",
        "CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC END; SELECT 1; ; -- none\n",
        "CREATE TABLE t (\"begin\" int); CREATE VIEW v AS SELECT begin atomic FROM t; SELECT 1",
        "SELECT 'a;b', E'c\\';d', $q$;$q$, U&'\\0041;' /* ; /* ; */ */; SELECT 2 -- ;\n",
        "SELECT a$$ FROM (SELECT 1 AS a$$) s; SELECT $ok$;$ok$, 1.5e+3"}) {
    const Outcome outcome = run(sql);
    EXPECT_EQ(outcome.error, "") << sql;
    EXPECT_EQ(static_cast<std::size_t>(outcome.results), sql::statement_spans(sql, Dialect::postgresql).size()) << sql;
    EXPECT_EQ(outcome.results, static_cast<int>(sql::split_statements(sql, Dialect::postgresql).size())) << sql;
  }
}

TEST(PostgresUrlTest, LibpqGetsTheUrlsKeywordsWithAFallbackApplicationName) {
  ::unsetenv("PGCLIENTENCODING");
  // The URL as libpq reads it, as keywords, with fallback_application_name and
  // client_encoding added as keywords of their own rather than appended to the URI.
  auto t = ConnectionTarget::from_url("postgresql://alice:s3cret@db.example:5433/app?sslmode=disable");
  EXPECT_EQ(t.conninfo, "user='alice' password='s3cret' dbname='app' host='db.example' port='5433' "
                        "sslmode='disable' fallback_application_name='migrate' client_encoding='UTF8'");
  EXPECT_EQ(t.redacted, "postgresql://alice:***@db.example:5433/app?sslmode=disable");
  EXPECT_EQ(ConnectionTarget::from_url("postgres://db/app").conninfo,
            "dbname='app' host='db' fallback_application_name='migrate' client_encoding='UTF8'");
  EXPECT_EQ(ConnectionTarget::from_url("postgresql+psycopg2://u@/app?host=/run/postgresql&client_encoding=LATIN1")
                .conninfo,
            "user='u' dbname='app' host='/run/postgresql' client_encoding='LATIN1' fallback_application_name='migrate'");
}

TEST(PostgresUrlTest, AQuestionMarkInThePasswordStaysInThePassword) {
  auto t = ConnectionTarget::from_url("postgresql://app:Sek?ret77@db/app");
  EXPECT_EQ(t.conninfo, "user='app' password='Sek?ret77' dbname='app' host='db' fallback_application_name='migrate' "
                        "client_encoding='UTF8'");
  EXPECT_EQ(t.redacted.find("Sek"), std::string::npos) << t.redacted;
  EXPECT_EQ(t.without_password, "postgresql://app@db/app");
}

TEST(PostgresUrlTest, NoPasswordFreeUrlWhenThePasswordCannotBeTakenOut) {
  // libpq reads the password "p" and the host "ssW0rd@db": what is left would show "ssW0rd".
  EXPECT_EQ(ConnectionTarget::from_url("postgresql://u:p@ssW0rd@db/app").without_password, "");
  EXPECT_EQ(ConnectionTarget::from_url("postgresql://u@db/app?pass%77ord=Hid3me99").without_password,
            "postgresql://u@db/app");
}

TEST(PostgresUrlTest, PasswordParameterIsRedactedToo) {
  auto t = ConnectionTarget::from_url("postgresql://alice@db/app?password=hunter22&sslmode=require");
  EXPECT_EQ(t.redacted, "postgresql://alice@db/app?password=***&sslmode=require");
  EXPECT_EQ(t.redact("it was hunter22 here"), "it was *** here");
}

TEST(PostgresUrlTest, MalformedUrlIsAConfigErrorWithoutThePassword) {
  try {
    ConnectionTarget::from_url("postgresql://alice:pa%zzword@db/app");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_EQ(std::string(e.what()).find("pa%zzword"), std::string::npos) << e.what();
  }
  try {
    ConnectionTarget::from_url("postgresql://alice:secretpw@db/app?no_such_param=1");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_NE(std::string(e.what()).find("no_such_param"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("secretpw"), std::string::npos) << e.what();
  }
}

TEST(PostgresUrlTest, ShortPasswordsWithholdTheWholeText) {
  auto t = ConnectionTarget::from_url("postgresql://alice:ab@db/app");
  EXPECT_EQ(t.redact("nothing to hide"), "nothing to hide");
  EXPECT_EQ(t.redact("cab").find("ab"), std::string::npos);
}

TEST(PostgresUrlTest, FailedConnectionNeverShowsThePassword) {
  // Port 1 on loopback: nothing listens there, so this fails without a server.
  try {
    backend::open("postgresql://alice:s3cretpw@127.0.0.1:1/app?connect_timeout=2");
    FAIL() << "connected?";
  } catch (const DatabaseError& e) {
    std::string what = e.what();
    EXPECT_EQ(e.kind(), ErrorKind::database);
    EXPECT_EQ(e.details().sqlstate, "08001");
    EXPECT_EQ(what.find("s3cretpw"), std::string::npos) << what;
    EXPECT_EQ(e.hint().find("s3cretpw"), std::string::npos);
    EXPECT_NE(what.find("postgresql://alice:***@127.0.0.1:1/app"), std::string::npos) << what;
  }
  // Unescaped '/' and '@' in the password: libpq misreads the URL, and still nothing shows it.
  try {
    backend::open("postgresql://alice:pw/x@yz@127.0.0.1:1/app?connect_timeout=2");
    FAIL() << "connected?";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find("pw/x@yz"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("x@yz"), std::string::npos) << e.what();
  }
}

TEST(PostgresLockKeyTest, KeyIsStablePerSchemaAndTable) {
  EXPECT_EQ(advisory_lock_key("public", "migrate_version"), advisory_lock_key("public", "migrate_version"));
  EXPECT_NE(advisory_lock_key("public", "migrate_version"), advisory_lock_key("tenant_1", "migrate_version"));
  EXPECT_NE(advisory_lock_key("public", "migrate_version"), advisory_lock_key("public", "alembic_version"));
  // FNV-1a 64 of "public.migrate_version": other tools can compute the same key.
  EXPECT_EQ(advisory_lock_key("public", "migrate_version"), 2171887557408207280LL);
}

TEST(PostgresEngineTest, VersionStringsNameTheEngine) {
  EXPECT_EQ(engine_of("PostgreSQL 15.10 (Debian 15.10-0+deb12u1) on x86_64-pc-linux-gnu", false), Engine::postgresql);
  EXPECT_EQ(engine_of("PostgreSQL 16.4 on x86_64-pc-linux-gnu", true), Engine::citus);
  EXPECT_EQ(engine_of("CockroachDB CCL v25.1.2 (x86_64-pc-linux-gnu, built 2025/03/10 17:32:07, go1.22.8 X:nocoverageredesign)",
                      false),
            Engine::cockroachdb);
  EXPECT_EQ(engine_of("PostgreSQL 11.2-YB-2025.1.0.0-b0 on x86_64-pc-linux-gnu, compiled by clang version 17.0.6", false),
            Engine::yugabytedb);
  EXPECT_EQ(engine_named("yugabytedb"), Engine::yugabytedb);
  EXPECT_EQ(engine_named("YugabyteDB"), std::nullopt);
  EXPECT_STREQ(to_string(Engine::cockroachdb), "cockroachdb");
}

}  // namespace
}  // namespace migrate::backend::postgres
