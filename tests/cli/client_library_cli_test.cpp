// PostgreSQL's client library is loaded when a PostgreSQL URL is first used, not at start-up:
// a SQLite run never maps libpq (nor the TLS, Kerberos and LDAP libraries it pulls in), a
// PostgreSQL run does, and a libpq that cannot be loaded is a database error (exit 3) that
// says what to install. Watched through the dynamic loader's own log (LD_DEBUG=files), which
// names every library as it is opened.
#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

class ClientLibraryCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    write_revision("a1.sql", {"a1", "", "CREATE TABLE t (id INTEGER PRIMARY KEY);", "DROP TABLE t;"});
  }
};

// Only where the build links libpqxx statically (MIGRATE_LAZY_LIBPQ, set by tests/CMakeLists.txt
// from what cmake/FindPqxx.cmake found) or has no PostgreSQL backend at all.
#if defined(MIGRATE_LAZY_LIBPQ) || !defined(MIGRATE_HAVE_POSTGRES)
TEST_F(ClientLibraryCliTest, LibpqIsLoadedOnlyWhenThePostgresBackendConnects) {
  auto r = migrate({"upgrade", "head"}, {{"LD_DEBUG", "files"}});
  ASSERT_EQ(r.status, 0) << r.err;
  // The loader logs "file=libpq.so.5 [0];  dynamically loaded by ..." when it opens it.
  EXPECT_EQ(contains(r.err, "file=libpq.so.5"), k_postgres) << r.err;
  EXPECT_EQ(contains(r.err, "file=libssl.so"), k_postgres) << r.err;  // one of libpq's own needs
}
#endif

#ifdef MIGRATE_CLI_POSTGRES
TEST_F(ClientLibraryCliTest, AMissingLibpqIsADatabaseErrorNamingWhatToInstall) {
  auto r = migrate({"upgrade", "head"}, {{"MIGRATE_LIBPQ", "/nonexistent/libpq.so.5"}});
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "Cannot use PostgreSQL: cannot load /nonexistent/libpq.so.5")) << r.err;
  EXPECT_TRUE(contains(r.err, "apt-get install libpq5")) << r.err;
  EXPECT_FALSE(has_table("t"));  // nothing ran
}
#endif

}  // namespace
}  // namespace migrate::test
