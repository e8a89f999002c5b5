// End-to-end: no password ever reaches output. Connection strings of many shapes, each
// carrying a password, go through every command that can fail on them, in text and JSON and
// with -v; no stdout or stderr may show the password or a piece of it, and for runs that
// connected, no journal row either. Closed ports on 127.0.0.1 make the unreachable cases
// fail at once; the reachable ones use this test's database on the test server.

#include <string>
#include <vector>

#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

struct Shape {
  std::string url;
  std::vector<std::string> secrets;  ///< the password and the pieces of it that must not show
};

/// Userinfo passwords with each character that a user may leave unencoded.
std::vector<Shape> userinfo_shapes() {
  return {
      {"postgresql://u:p@ssW0rd@127.0.0.1/db", {"p@ssW0rd", "ssW0rd"}},
      {"postgresql://u:Sek?ret77@127.0.0.1:1/db", {"Sek?ret77", "ret77"}},
      {"postgresql://u:Sek#ret78@127.0.0.1:1/db", {"Sek#ret78", "ret78"}},
      {"postgresql://u:Sek/ret79@127.0.0.1:1/db", {"Sek/ret79", "ret79"}},
      {"postgresql://u:Sek:ret80@127.0.0.1:1/db", {"Sek:ret80", "ret80"}},
      {"postgresql://u:Sek%ret81@127.0.0.1:1/db", {"Sek%ret81", "ret81"}},
      {"postgresql://u:Sek'ret82@127.0.0.1:1/db", {"Sek'ret82", "ret82"}},
      {"postgresql://u:Sek\"ret83@127.0.0.1:1/db", {"Sek\"ret83", "ret83"}},
      {"postgresql://u:Sek ret84@127.0.0.1:1/db", {"Sek ret84", "ret84"}},
      {"postgresql://u:Sek%40ret85@127.0.0.1:1/db", {"Sek%40ret85", "Sek@ret85", "ret85"}},
      {"postgresql://u:Pct%25Zz113@127.0.0.1:1/db", {"Pct%25Zz113", "Zz113"}},
      {"postgresql://u:Tab\tpw111@127.0.0.1:1/db", {"Tab\tpw111", "pw111"}},
      {"postgresql://u:Multi114pw@127.0.0.1:1,127.0.0.1:2/db", {"Multi114pw"}},
      {"postgresql://u:Ipv6Pw115@[::1]:1/db", {"Ipv6Pw115"}},
      {"postgresql://u:Unknownparam116@127.0.0.1:1/db?nosuch=1", {"Unknownparam116"}},
      {"postgresql://u:BadPort96pw@127.0.0.1:99999/db", {"BadPort96pw"}},
      {"postgresql://u:BadPort97pw@127.0.0.1:abc/db", {"BadPort97pw"}},
      {"postgresql://u:NoHost98pw@/db?host=127.0.0.1&port=1", {"NoHost98pw"}},
      {"postgres://u:Plain92pw@127.0.0.1:1/db", {"Plain92pw"}},
      {"postgresql+psycopg2://u:Driver93pw@127.0.0.1:1/db", {"Driver93pw"}},
  };
}

/// Query-string passwords, keys in any case and encoding, values with '#', '&' and escapes.
std::vector<Shape> query_shapes() {
  return {
      {"postgress://app@127.0.0.1:1/app?password=s3cretAa", {"s3cretAa"}},
      {"postgresql://u@127.0.0.1:1/db?pass%77ord=Hid3me86", {"Hid3me86"}},
      {"postgresql://u@127.0.0.1:1/db?password=a#bcdef87", {"a#bcdef87", "bcdef87"}},
      {"postgresql://u@127.0.0.1:1/db?PASSWORD=Upp3rCase88", {"Upp3rCase88"}},
      {"postgresql://u@127.0.0.1:1/db?Password=MixedCase89", {"MixedCase89"}},
      {"postgresql://u@127.0.0.1:1/db?password=P%40ss%3Fw90", {"P%40ss%3Fw90", "P@ss?w90", "ss%3Fw90"}},
      {"postgresql://u:abcd9191@127.0.0.1:1/db?password=abcd9191efgh", {"abcd9191", "9191efgh"}},
      {"postgresql://u@127.0.0.1:1/db?password=Amp99pw&x", {"Amp99pw"}},
      {"postgresql://u@127.0.0.1:1/db?sslpassword=SslPass110&sslmode=disable", {"SslPass110"}},
      {"postgresql://u@127.0.0.1:1/db?options=-c%20x%3Dy&password=Opt112pw", {"Opt112pw"}},
      {"postgresql://u@127.0.0.1:1/db?password=Dup117pw&password=Dup118pw", {"Dup117pw", "Dup118pw"}},
  };
}

/// libpq key=value strings, other schemes, SQLite URLs with junk, strings that are no URL.
std::vector<Shape> other_shapes() {
  return {
      {"host=127.0.0.1 port=1 dbname=app user=app password=Pw0rdXyz", {"Pw0rdXyz"}},
      {"host=127.0.0.1 port=1 password='tw0 w0rds100' dbname=d", {"tw0 w0rds100", "w0rds100"}},
      {"host=127.0.0.1 port=1 password='it\\'s S3cret101'", {"S3cret101"}},
      {"host=127.0.0.1 port=1 password=Unq\\ uoted102", {"uoted102"}},
      {"host=127.0.0.1 password='never closed 103", {"closed 103"}},
      {"mysql://u:Mysql94pw@127.0.0.1/db", {"Mysql94pw"}},
      {"oracle://scott:Tiger95pw@h/db", {"Tiger95pw"}},
      {"sqlite:///app.db?password=SqliteJunk104", {"SqliteJunk104"}},
      {"sqlite://u:SqliteUser105@/app.db", {"SqliteUser105"}},
      {"sqlite:////tmp/x.db?mode=ro&password=SqliteRo106", {"SqliteRo106"}},
      {"postgresql:/u:OneSlash107@127.0.0.1/db", {"OneSlash107"}},
      {"u:NoScheme108@127.0.0.1/db", {"NoScheme108"}},
  };
}

/// Every command that opens the database or reads the URL, and the output variants.
const std::vector<std::vector<std::string>> k_commands{
    {"current"},          {"upgrade", "head"}, {"upgrade", "head", "--sql"},
    {"downgrade", "-1"},  {"stamp", "head"},   {"history", "--indicate-current"},
    {"repair"},           {"upgrade", "head", "--backup"}};
const std::vector<std::vector<std::string>> k_variants{{}, {"--format", "json"}, {"-v"}};

/// The unreachable shapes never touch the test's database: they run once, in
/// migrate_cli_tests, rather than again in migrate_cli_postgres_tests.
constexpr const char* k_runs_once = "runs in migrate_cli_tests: it never reaches this test's database";

class RedactionCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    write_revision("a.sql", {"aaa1", "", "CREATE TABLE a (id int);", "DROP TABLE a;"});
  }

  /// Runs every command in every variant on `shape` and checks no output shows a secret.
  void expect_never_shown(const Shape& shape) {
    for (const auto& command : k_commands) {
      for (const auto& variant : k_variants) {
        std::vector<std::string> args{"--url", shape.url};
        args.insert(args.end(), variant.begin(), variant.end());
        args.insert(args.end(), command.begin(), command.end());
        auto r = migrate(args);
        for (const auto& secret : shape.secrets) {
          EXPECT_EQ(r.out.find(secret), std::string::npos) << shown_in(secret, args, r);
          EXPECT_EQ(r.err.find(secret), std::string::npos) << shown_in(secret, args, r);
        }
      }
    }
  }

  static std::string shown_in(const std::string& secret, const std::vector<std::string>& args,
                              const ProcessResult& r) {
    std::string line = "'" + secret + "' shown by: migrate";
    for (const auto& a : args) line += " [" + a + "]";
    return line + "\n" + describe(r);
  }

  /// `url()` (this test's database) with `password` in its userinfo or query.
  std::string reachable(const std::string& password, bool in_userinfo) const {
    std::string u = url();
    if (in_userinfo) return u.replace(u.find("@"), 1, ":" + password + "@");
    return u + (u.find('?') == std::string::npos ? "?" : "&") + "password=" + password;
  }
};

TEST_F(RedactionCliTest, UserinfoPasswordsNeverShow) {
  if (k_postgres) GTEST_SKIP() << k_runs_once;
  for (const auto& shape : userinfo_shapes()) expect_never_shown(shape);
}

TEST_F(RedactionCliTest, QueryPasswordsNeverShow) {
  if (k_postgres) GTEST_SKIP() << k_runs_once;
  for (const auto& shape : query_shapes()) expect_never_shown(shape);
}

TEST_F(RedactionCliTest, KeywordStringsOtherSchemesAndJunkNeverShow) {
  if (k_postgres) GTEST_SKIP() << k_runs_once;
  for (const auto& shape : other_shapes()) expect_never_shown(shape);
}

TEST_F(RedactionCliTest, ConfigurationExpansionErrorsNeverShow) {
  if (k_postgres) GTEST_SKIP() << k_runs_once;
  const std::vector<Shape> shapes{{"postgresql://u:Cfg119pw${MIGRATE_TEST_NOT_SET_119}@127.0.0.1:1/db", {"Cfg119pw"}},
                                  {"postgresql://u:Cfg120pw${bad name}@127.0.0.1:1/db", {"Cfg120pw", "bad name"}},
                                  {"postgresql://u:Cfg121pw${unclosed@127.0.0.1:1/db", {"Cfg121pw"}}};
  for (const auto& shape : shapes) {
    m_dir.write("migrate.toml", "script_location = \"migrations\"\n[database]\nurl = \"" + shape.url + "\"\n");
    for (const auto& variant : k_variants) {
      auto args = variant;
      args.push_back("current");
      auto r = migrate(args);
      EXPECT_NE(r.status, 0) << describe(r);
      for (const auto& secret : shape.secrets) {
        EXPECT_EQ(r.out.find(secret), std::string::npos) << shown_in(secret, args, r);
        EXPECT_EQ(r.err.find(secret), std::string::npos) << shown_in(secret, args, r);
      }
    }
  }
}

TEST_F(RedactionCliTest, AReachableServerWithAPasswordShowsItNowhereNorInTheJournal) {
  if (!k_postgres) GTEST_SKIP() << "needs the PostgreSQL test server (migrate_cli_postgres_tests)";
  const std::vector<Shape> shapes{{reachable("Wr0ngReach121", false), {"Wr0ngReach121"}},
                                  {reachable("Wr0ngReach122", true), {"Wr0ngReach122"}},
                                  {reachable("Wr0ng%3FReach123", true), {"Wr0ng%3FReach123", "Wr0ng?Reach123"}},
                                  {reachable("Wr0ng?Reach124", true), {"Wr0ng?Reach124", "Reach124"}}};
  for (const auto& shape : shapes) expect_never_shown(shape);
  // An unencoded '?' stays in the password: the connection works (trust authentication).
  auto r = migrate({"--url", shapes.back().url, "current"});
  EXPECT_EQ(r.status, 0) << describe(r);
  ASSERT_TRUE(has_table("migrate_version_journal")) << "no run connected";
  auto rows = column("SELECT j::text FROM migrate_version_journal j");
  EXPECT_FALSE(rows.empty());
  for (const auto& row : rows)
    for (const auto& shape : shapes)
      for (const auto& secret : shape.secrets) EXPECT_EQ(row.find(secret), std::string::npos) << row;
}

}  // namespace
}  // namespace migrate::test
