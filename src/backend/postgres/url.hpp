#pragma once
/// PostgreSQL connection strings as libpq reads them (PQconninfoParse): what migrate hands
/// libpq, what messages show, what pg_dump and the printed restore command get. Internal
/// to src/backend; the only libpq-based parser, also behind backend::Redactor.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backend/redact.hpp"

namespace migrate::backend::postgres {

/// libpq's keywords and values, in libpq's order, only those the string sets.
using Conninfo = std::vector<std::pair<std::string, std::string>>;

/// libpq's reading of a URI or key=value string; nullopt when libpq rejects it, with
/// libpq's message in `error` (it may quote the string: redact it before showing it).
std::optional<Conninfo> parse_conninfo(const std::string& text, std::string* error = nullptr);

/// The `password` and `sslpassword` values libpq reads from `text`; nullopt when libpq
/// rejects the string.
std::optional<std::vector<std::string>> libpq_passwords(const std::string& text);

/// `options` as a libpq key=value string, every value single-quoted.
std::string keyword_string(const Conninfo& options);

/// `url` (`postgresql://authority[/db][?query]`) naming database `dbname` instead, with any
/// `dbname=` parameter dropped.
std::string with_database(const std::string& url, std::string_view dbname);

/// What a PostgreSQL URL means to libpq, for `PostgresBackend`. Throws Error{config} when
/// the scheme is not postgresql/postgres(+driver) or libpq cannot parse the URL.
struct ConnectionTarget {
  /// The key=value string handed to libpq: the URL's keywords as libpq read them, plus
  /// fallback_application_name and client_encoding as keywords of their own (appending
  /// them to the URI would land in the password or database name when the userinfo holds
  /// an unencoded '?' or '#').
  std::string conninfo;
  std::string redacted;  ///< the URL as the user wrote it, passwords replaced by `***`
  /// The URL as libpq reads it (scheme normalised to postgresql://) with the password taken
  /// out entirely (userinfo and `password=` parameters), for the commands migrate starts or
  /// prints (pg_dump, pg_restore): they get the password elsewhere.
  std::string without_password;
  Redactor secrets;  ///< the URL's passwords, for libpq's and the server's texts

  static ConnectionTarget from_url(const std::string& url);
  /// `text` with the passwords hidden (see Redactor::text).
  std::string redact(std::string_view text) const { return secrets.text(text); }
};

}  // namespace migrate::backend::postgres
