#pragma once
/// The one rule for keeping passwords out of output: every message, log line, JSON field,
/// journal column and printed command that shows a connection string, or text that may echo
/// one (libpq's own errors quote host names, ports and whole connection strings), goes
/// through here.
///
/// A `Redactor` reads a connection string twice and hides the union of what both readings
/// call a password:
///  - as written: a URL of any scheme (`scheme://user:password@host/db?password=...`, the
///    userinfo ending at any of its '@', since a password may hold an unencoded '@', '/', '?'
///    or '#'), query keys percent-decoded and compared case-insensitively, or a libpq
///    `key=value` string (quoted values, `\'` escapes);
///  - as libpq reads it (PQconninfoParse, built with PostgreSQL support), so that whatever
///    libpq would send as the password is hidden even where the first reading differs.
/// Secrets are replaced longest first, in the forms written, percent-decoded and
/// percent-encoded. Where it cannot be sure (a string that does not scan, a secret too
/// short to replace inside other text) it withholds the whole text and says so.

#include <string>
#include <string_view>
#include <vector>

namespace migrate::backend {

class Redactor {
 public:
  Redactor() = default;
  /// Collects the secrets of `connection_string` (a URL or a libpq key=value string).
  explicit Redactor(std::string_view connection_string);

  /// Also hides `secret`, e.g. the password libpq took from PGPASSWORD or ~/.pgpass.
  void add_secret(std::string_view secret);

  /// The connection string for messages: each password replaced by `***`; a marker saying
  /// it was withheld when the string cannot be shown safely.
  const std::string& shown() const { return m_shown; }

  /// `text` (a message, log line, libpq's error text) with every secret replaced by `***`,
  /// and any double-quoted echo of a hidden part of the connection string too. Withheld
  /// entirely, with a marker saying so, when it holds a secret too short (under 4 bytes) to
  /// replace without mangling other words.
  std::string text(std::string_view text) const;

  /// True when `text` shows any secret, as `text()` would have to hide it.
  bool reveals(std::string_view text) const;

  const std::vector<std::string>& secrets() const { return m_secrets; }

 private:
  void add_form(std::string form);

  std::string m_raw;
  std::string m_shown;
  std::vector<std::string> m_secrets;  ///< every form of every secret, longest first
};

/// `Redactor(url).shown()`: the URL or connection string with its passwords replaced by
/// `***`, for messages and logs. Strings without a password come back unchanged.
std::string redact_url(const std::string& url);

/// `%XX` sequences decoded (invalid ones kept as written), as libpq decodes URI parts.
std::string percent_decode(std::string_view text);

inline constexpr std::string_view k_withheld_connection_string =
    "<connection string withheld: could not be parsed safely>";
inline constexpr std::string_view k_withheld_message = "<message withheld: it could show a password>";

}  // namespace migrate::backend
