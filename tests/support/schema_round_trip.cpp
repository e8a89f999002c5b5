#include "support/schema_round_trip.hpp"

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "schema/render.hpp"

namespace migrate::test {
namespace {

std::string with_database(std::string url, const std::string& name) {
  url = url.substr(0, url.find('?'));
  return url.substr(0, url.rfind('/') + 1) + name;
}

}  // namespace

ScratchDatabases::~ScratchDatabases() {
  for (const auto& name : m_names) m_admin->execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
}

void ScratchDatabases::open(Dialect dialect, const std::filesystem::path& folder, const std::string& prefix) {
  if (dialect == Dialect::sqlite) {
    for (auto file : {"a.db", "b.db", "c.db"}) m_urls.push_back("sqlite:///" + (folder / file).string());
    return;
  }
  const char* base = std::getenv("MIGRATE_TEST_POSTGRES_BASE_URL");
  if (!base || !*base) base = std::getenv("MIGRATE_TEST_POSTGRES_URL");
  if (!base || !*base) {
    const char* required = std::getenv("MIGRATE_REQUIRE_POSTGRES");
    if (required && std::string(required) == "1") FAIL() << "MIGRATE_REQUIRE_POSTGRES=1 but no server";
    GTEST_SKIP() << "MIGRATE_TEST_POSTGRES_URL is not set";
  }
  m_admin = backend::open(base);
  static int counter = 0;
  auto stem = prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  for (auto suffix : {"_a", "_b", "_c"}) {
    m_names.push_back(stem + suffix);
    m_admin->execute("CREATE DATABASE " + m_names.back());
    m_urls.push_back(with_database(base, m_names.back()));
  }
}

schema::Schema ScratchDatabases::build(std::size_t i, const std::string& sql, const backend::SchemaScope& scope) const {
  auto db = backend::open(m_urls.at(i));
  db->execute_script(sql);
  return db->schema_reader()->read_schema(scope);
}

schema::Schema ScratchDatabases::read(std::size_t i, const backend::SchemaScope& scope) const {
  return backend::open(m_urls.at(i))->schema_reader()->read_schema(scope);
}

void ScratchDatabases::run_in_transaction(std::size_t i, const std::string& sql) const {
  auto db = backend::open(m_urls.at(i));
  const bool sqlite = db->dialect() == Dialect::sqlite;
  if (sqlite) db->execute("PRAGMA foreign_keys = OFF");
  db->begin();
  try {
    db->execute_script(sql);
    if (sqlite && !db->query("PRAGMA foreign_key_check").empty())
      throw std::runtime_error("PRAGMA foreign_key_check finds violations");
    db->commit();
  } catch (...) {
    db->rollback();
    throw;
  }
}

std::string ScratchDatabases::round_trip(const std::string& sql, const backend::SchemaScope& scope) const {
  auto original = build(0, sql, scope);
  EXPECT_TRUE(original.unsupported.empty()) << schema::canonical_text(original);
  auto rendered = schema::render_sql(original);
  schema::Schema rebuilt;
  try {
    rebuilt = build(1, rendered, scope);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "the rendered SQL does not run: " << e.what() << "\n" << rendered;
    return rendered;
  }
  EXPECT_EQ(schema::canonical_text(rebuilt), schema::canonical_text(original)) << rendered;
  EXPECT_EQ(schema::render_sql(rebuilt), rendered);
  return rendered;
}

}  // namespace migrate::test
