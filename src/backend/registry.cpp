// URL scheme -> backend. A new backend adds one row to each
// function below, behind its CMake option when its client library is optional.

#include <string>

#include "backend/backend.hpp"
#include "backend/sqlite/sqlite_backend.hpp"
#ifdef MIGRATE_HAVE_POSTGRES
#include "backend/postgres/postgres_backend.hpp"
#endif

namespace migrate::backend {
namespace {

std::string scheme_of(const std::string& url) {
  auto colon = url.find("://");
  if (colon == std::string::npos)
    throw Error(ErrorKind::config, "not a database URL: '" + redact_url(url) + "'",
                "use sqlite:///path.db or postgresql://user@host/db");
  auto scheme = url.substr(0, colon);
  // SQLAlchemy's driver suffix (`postgresql+psycopg2://`) names a Python driver; the
  // dialect is the part before '+'.
  auto plus = scheme.find('+');
  if (plus != std::string::npos) scheme.resize(plus);
  return scheme;
}

[[maybe_unused]] [[noreturn]] void no_postgres() {
  throw Error(ErrorKind::config, "this migrate was built without PostgreSQL support",
              "rebuild with libpqxx installed (MIGRATE_WITH_POSTGRES=ON), or use a sqlite:// URL");
}

[[noreturn]] void unknown_scheme(const std::string& scheme, const std::string& url) {
  throw Error(ErrorKind::config,
              "unknown database URL scheme '" + scheme + "' in '" + redact_url(url) + "'",
              "supported: sqlite://, postgresql:// (postgres://)");
}

}  // namespace

std::unique_ptr<Backend> open(const std::string& url, OpenMode mode) {
  auto scheme = scheme_of(url);
  if (scheme == "sqlite") return sqlite::open(url, mode);
  if (scheme == "postgresql" || scheme == "postgres") {
#ifdef MIGRATE_HAVE_POSTGRES
    return postgres::open(url);
#else
    no_postgres();
#endif
  }
  unknown_scheme(scheme, url);
}

Dialect dialect_of_url(const std::string& url) {
  auto scheme = scheme_of(url);
  if (scheme == "sqlite") return Dialect::sqlite;
  // Offline SQL needs no client library, so this works without PostgreSQL support.
  if (scheme == "postgresql" || scheme == "postgres") return Dialect::postgresql;
  unknown_scheme(scheme, url);
}

void configure_process() { sqlite::configure_process(); }

}  // namespace migrate::backend
