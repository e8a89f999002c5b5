// The PostgreSQL statement scanner and URL handling: pure code, no server needed.

#include <gtest/gtest.h>

#include <cstdlib>

#include <string>
#include <vector>

#include "backend/postgres/postgres_backend.hpp"
#include "backend/postgres/statement_scanner.hpp"

namespace migrate::backend::postgres {
namespace {

std::vector<std::string> statements(std::string_view sql) {
  std::vector<std::string> out;
  for (auto span : scan_statements(sql)) out.emplace_back(sql.substr(span.begin, span.end - span.begin));
  return out;
}

TEST(StatementScannerTest, SplitsOnSemicolonsAndDropsEmptyStatements) {
  EXPECT_EQ(statements("SELECT 1; SELECT 2;\n  ;\n-- only a comment\n/* and */ ;"),
            (std::vector<std::string>{"SELECT 1;", "SELECT 2;"}));
  EXPECT_EQ(statements("SELECT 1"), (std::vector<std::string>{"SELECT 1"}));
  EXPECT_TRUE(statements("  -- nothing\n").empty());
}

TEST(StatementScannerTest, StatementStartsAfterLeadingComments) {
  std::string sql = "-- intro\n/* block */\n  INSERT INTO t VALUES (1);";
  auto spans = scan_statements(sql);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0].begin, sql.find("INSERT"));
  EXPECT_EQ(spans[0].end, sql.size());
}

TEST(StatementScannerTest, SemicolonsInsideQuotesAndCommentsDoNotSplit) {
  EXPECT_EQ(statements("SELECT 'a;b', 'it''s;'; SELECT \"we;ird\"\"x\" FROM t; -- c;d\nSELECT 3"),
            (std::vector<std::string>{"SELECT 'a;b', 'it''s;';", "SELECT \"we;ird\"\"x\" FROM t;", "SELECT 3"}));
  EXPECT_EQ(statements("SELECT E'a\\';b'; SELECT 2"), (std::vector<std::string>{"SELECT E'a\\';b';", "SELECT 2"}));
  EXPECT_EQ(statements("SELECT /* a /* nested; */ still; */ 1; SELECT 2"),
            (std::vector<std::string>{"SELECT /* a /* nested; */ still; */ 1;", "SELECT 2"}));
}

TEST(StatementScannerTest, DollarQuotedBodiesAreOneStatement) {
  std::string f1 = "CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END; $$ LANGUAGE plpgsql;";
  std::string f2 = "CREATE FUNCTION g() RETURNS int AS $body$ SELECT 1; $x$ ; $body$ LANGUAGE sql;";
  EXPECT_EQ(statements(f1 + "\n" + f2 + "\nSELECT $1, a$b FROM t;"),
            (std::vector<std::string>{f1, f2, "SELECT $1, a$b FROM t;"}));
}

TEST(StatementScannerTest, BeginAtomicBodiesAreOneStatement) {
  std::string f = "CREATE OR REPLACE FUNCTION h(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC "
                  "SELECT CASE WHEN x > 0 THEN 1 ELSE 0 END; SELECT x; END;";
  EXPECT_EQ(statements(f + " BEGIN; COMMIT;"), (std::vector<std::string>{f, "BEGIN;", "COMMIT;"}));
}

TEST(StatementScannerTest, PositionsCountUtf8Characters) {
  std::string s = "SELECT 'é€' FROM nope";
  EXPECT_EQ(byte_offset_of_position(s, 1, true), 0u);
  EXPECT_EQ(byte_offset_of_position(s, 18, true), s.find("nope"));
  EXPECT_EQ(byte_offset_of_position(s, 18, false), 17u);
  EXPECT_EQ(byte_offset_of_position(s, 1000, true), s.size());
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

}  // namespace
}  // namespace migrate::backend::postgres
