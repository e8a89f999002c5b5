// PostgreSQL URLs: libpq's reading, the keyword string migrate connects with, the
// password-free URL for pg_dump and pg_restore.

#include "backend/postgres/url.hpp"
#include "backend/postgres/libpq_loader.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>

#include "core/error.hpp"
#include "util/strings.hpp"

namespace migrate::backend::postgres {
namespace {

constexpr std::string_view k_application_name = "migrate";

/// `url` with every query parameter named `key` (percent-decoded) removed; the `?` goes too
/// when nothing is left.
std::string without_parameter(std::string url, std::string_view key) {
  auto q = url.find('?');
  if (q == std::string::npos) return url;
  std::string query = url.substr(q + 1), kept;
  for (std::size_t begin = 0; begin <= query.size();) {
    auto end = query.find('&', begin);
    if (end == std::string::npos) end = query.size();
    std::string param = query.substr(begin, end - begin);
    if (!param.empty() && percent_decode(param.substr(0, param.find('='))) != key)
      kept += (kept.empty() ? "" : "&") + param;
    begin = end + 1;
  }
  url.resize(q);
  return kept.empty() ? url : url + "?" + kept;
}

/// `rest` (a URL after its "scheme://") without the password: the userinfo's ":password"
/// (found as libpq finds it: an '@' before any '/') and every `password=` query parameter.
std::string strip_password(std::string rest) {
  auto stop = rest.find_first_of("@/");
  if (stop != std::string::npos && rest[stop] == '@') {
    auto colon = rest.find(':');
    if (colon != std::string::npos && colon < stop) rest.erase(colon, stop - colon);
  }
  return without_parameter(rest, "password");
}

bool has_keyword(const Conninfo& options, std::string_view keyword) {
  for (const auto& [key, value] : options)
    if (key == keyword) return true;
  return false;
}

/// The password-free URL, checked with libpq's own reading: a URL whose password this
/// rule cannot take out is refused rather than passed to pg_dump or printed.
std::string password_free(const std::string& rest, const Redactor& secrets) {
  std::string url = "postgresql://" + strip_password(rest);
  auto options = parse_conninfo(url);
  if (!options || has_keyword(*options, "password") || secrets.reveals(url)) return {};
  return url;
}

}  // namespace

std::optional<Conninfo> parse_conninfo(const std::string& text, std::string* error) {
  require_libpq();
  char* message = nullptr;
  PQconninfoOption* options = PQconninfoParse(text.c_str(), &message);
  if (!options) {
    if (error) *error = message ? std::string(util::trim(message)) : "libpq cannot parse it";
    if (message) PQfreemem(message);
    return std::nullopt;
  }
  Conninfo out;
  for (auto* o = options; o->keyword; ++o)
    if (o->val) out.emplace_back(o->keyword, o->val);
  PQconninfoFree(options);
  return out;
}

std::optional<std::vector<std::string>> libpq_passwords(const std::string& text) {
  auto options = parse_conninfo(text);
  if (!options) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& [key, value] : *options)
    if (key == "password" || key == "sslpassword") out.push_back(value);
  return out;
}

std::string keyword_string(const Conninfo& options) {
  std::string out;
  for (const auto& [key, value] : options) {
    if (!out.empty()) out += ' ';
    out += key + "='";
    for (char c : value) {
      if (c == '\\' || c == '\'') out += '\\';
      out += c;
    }
    out += '\'';
  }
  return out;
}

std::string with_database(const std::string& url, std::string_view dbname) {
  auto authority_begin = url.find("://");
  authority_begin = authority_begin == std::string::npos ? 0 : authority_begin + 3;
  auto q = url.find('?', authority_begin);
  std::string head = url.substr(0, q);
  std::string out = head.substr(0, head.find('/', authority_begin)) + "/" + std::string(dbname);
  if (q != std::string::npos) out += url.substr(q);
  return without_parameter(out, "dbname");
}

ConnectionTarget ConnectionTarget::from_url(const std::string& url) {
  ConnectionTarget t;
  t.secrets = Redactor(url);
  t.redacted = t.secrets.shown();
  auto scheme_end = url.find("://");
  std::string scheme = scheme_end == std::string::npos ? std::string() : url.substr(0, scheme_end);
  if (auto plus = scheme.find('+'); plus != std::string::npos) scheme.resize(plus);
  if (scheme != "postgresql" && scheme != "postgres")
    throw Error(ErrorKind::config, "not a PostgreSQL URL: '" + t.redacted + "'",
                "use postgresql://user:password@host:port/database");
  std::string rest = url.substr(scheme_end + 3);

  // libpq reads the URI under the scheme it knows; what it read goes back to it as
  // keywords, so PG* variables and ~/.pgpass still fill in whatever the URL leaves out.
  std::string error;
  auto options = parse_conninfo("postgresql://" + rest, &error);
  if (!options)
    throw Error(ErrorKind::config, "bad PostgreSQL URL '" + t.redacted + "': " + t.redact(error),
                "use postgresql://user:password@host:port/database?param=value, with special "
                "characters in the user or password percent-encoded (e.g. '@' as %40)");
  options->emplace_back("fallback_application_name", k_application_name);
  // Revision files are UTF-8: say so, unless the URL or PGCLIENTENCODING chooses (libpq's
  // default is the database's encoding, which would misread a LATIN1 one).
  if (!has_keyword(*options, "client_encoding") && !std::getenv("PGCLIENTENCODING"))
    options->emplace_back("client_encoding", "UTF8");
  t.conninfo = keyword_string(*options);
  t.without_password = password_free(rest, t.secrets);
  return t;
}

}  // namespace migrate::backend::postgres
