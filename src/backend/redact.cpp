#include "backend/redact.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

#include "util/strings.hpp"
#ifdef MIGRATE_HAVE_POSTGRES
#include "backend/postgres/url.hpp"
#endif

namespace migrate::backend {
namespace {

constexpr std::string_view k_mask = "***";
/// Shorter secrets are too likely to match unrelated letters: texts holding one are withheld.
constexpr std::size_t k_min_replaceable = 4;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_encode(std::string_view text, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

bool is_password_key(std::string_view key) {
  auto k = util::to_lower(percent_decode(util::trim(key)));
  return k == "password" || k == "sslpassword";
}

/// What one reading of a connection string found: the text with passwords masked, and
/// the passwords as written. `ok` false: the string does not scan, show nothing of it.
struct Scan {
  std::string shown;
  std::vector<std::string> secrets;
  bool ok = true;
};

/// The scheme of `text` when it is `scheme://...` (RFC 3986 scheme characters), else npos.
std::size_t url_authority(std::string_view text) {
  auto sep = text.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::string_view::npos;
  for (char c : text.substr(0, sep))
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return std::string_view::npos;
  return sep + 3;
}

using Span = std::pair<std::size_t, std::size_t>;  // [begin, end) of text to hide

/// `text` with every span replaced by one mask, overlapping spans merged.
std::string mask_spans(std::string_view text, std::vector<Span> spans) {
  std::sort(spans.begin(), spans.end());
  std::string out;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < spans.size();) {
    auto [begin, end] = spans[i];
    for (++i; i < spans.size() && spans[i].first <= end; ++i) end = std::max(end, spans[i].second);
    out += std::string(text.substr(pos, begin - pos)) + std::string(k_mask);
    pos = end;
  }
  return out + std::string(text.substr(pos));
}

/// The values of password parameters (`?k=v&k=v`, keys percent-decoded, any case) after
/// any '?' or '&' from `from` on: a '?' inside a password makes where the query starts
/// uncertain, so every candidate counts. A value runs to the next '&', a '#' included, as
/// libpq reads it.
void query_password_spans(std::string_view text, std::size_t from, std::vector<Span>& spans) {
  for (auto i = text.find_first_of("?&", from); i != std::string_view::npos; i = text.find_first_of("?&", i + 1)) {
    auto eq = text.find('=', i + 1);
    if (eq == std::string_view::npos) return;
    if (text.substr(i + 1, eq - i - 1).find('&') != std::string_view::npos) continue;
    if (!is_password_key(text.substr(i + 1, eq - i - 1))) continue;
    spans.emplace_back(eq + 1, std::min(text.find('&', eq + 1), text.size()));
  }
}

/// A URL of any scheme. The userinfo's password runs from the first ':' to an '@': libpq
/// takes the first '@' before any '/', a user who did not encode an '@', '/' or '?' in the
/// password meant the last one, so every candidate is a secret and the display hides up to
/// the last.
Scan scan_url(std::string_view text, std::size_t authority) {
  Scan scan;
  std::vector<Span> spans;
  auto first_at = text.find('@', authority);
  auto colon = text.find(':', authority);
  if (first_at != std::string_view::npos && colon < first_at) {
    auto last_at = text.rfind('@');
    for (auto at = first_at; at != std::string_view::npos && at <= last_at; at = text.find('@', at + 1))
      scan.secrets.emplace_back(text.substr(colon + 1, at - colon - 1));
    // Its pieces: where libpq reads the userinfo differently, they become the host, port or
    // database name, which libpq's messages quote.
    auto userinfo = text.substr(colon + 1, last_at - colon - 1);
    for (std::size_t begin = 0; begin <= userinfo.size();) {
      auto end = std::min(userinfo.find_first_of("@/:?#&", begin), userinfo.size());
      scan.secrets.emplace_back(userinfo.substr(begin, end - begin));
      begin = end + 1;
    }
    spans.emplace_back(colon + 1, last_at);
  }
  query_password_spans(text, authority, spans);
  for (auto [begin, end] : spans) scan.secrets.emplace_back(text.substr(begin, end - begin));
  scan.shown = mask_spans(text, spans);
  return scan;
}

/// libpq's `key=value ...` string, scanned as libpq scans it: a value is single-quoted
/// (backslash escapes) or runs to the next whitespace.
Scan scan_keywords(std::string_view text) {
  Scan scan;
  std::size_t i = 0, n = text.size();
  auto skip_space = [&] {
    while (i < n && util::is_space(text[i])) scan.shown += text[i++];
  };
  while (true) {
    skip_space();
    if (i >= n) return scan;
    auto key_begin = i;
    while (i < n && text[i] != '=' && !util::is_space(text[i])) ++i;
    auto key = text.substr(key_begin, i - key_begin);
    scan.shown += key;
    skip_space();
    if (i >= n || text[i] != '=') return Scan{{}, {}, false};
    scan.shown += text[i++];
    skip_space();
    auto value_begin = i;
    bool quoted = i < n && text[i] == '\'';
    if (quoted) ++i;
    while (i < n && (quoted ? text[i] != '\'' : !util::is_space(text[i]))) i += text[i] == '\\' ? 2 : 1;
    if (quoted && i >= n) return Scan{{}, {}, false};
    if (quoted) ++i;
    i = std::min(i, n);
    auto value = text.substr(value_begin, i - value_begin);
    if (is_password_key(key)) {
      scan.secrets.emplace_back(value);
      if (quoted) scan.secrets.emplace_back(value.substr(1, value.size() - 2));
      scan.shown += k_mask;
    } else {
      scan.shown += value;
    }
  }
}

Scan scan(std::string_view text) {
  if (auto authority = url_authority(text); authority != std::string_view::npos) return scan_url(text, authority);
  if (text.find('=') != std::string_view::npos) return scan_keywords(text);
  // Neither form: nothing can carry a password except a mistyped URL's `user:password@`.
  if (text.find('@') != std::string_view::npos) return Scan{{}, {}, false};
  return Scan{std::string(text), {}, true};
}

/// Without libpq's own reading, a `password=` left visible in the display means a form
/// this scan does not know: withhold rather than guess.
bool shows_password_keyword(std::string_view shown) {
  auto lower = util::to_lower(percent_decode(shown));
  auto starts_key = [&](std::size_t pos) {
    if (pos >= 3 && lower.compare(pos - 3, 3, "ssl") == 0) pos -= 3;
    return pos == 0 || std::string_view("?& \t\r\n").find(lower[pos - 1]) != std::string_view::npos;
  };
  for (auto pos = lower.find("password"); pos != std::string::npos; pos = lower.find("password", pos + 1)) {
    if (!starts_key(pos)) continue;
    auto after = lower.find_first_not_of(" \t\r\n", pos + 8);
    if (after == std::string::npos || lower[after] != '=') continue;
    auto value = lower.find_first_not_of(" \t\r\n", after + 1);
    if (value == std::string::npos || lower.compare(value, k_mask.size(), k_mask) != 0) return true;
  }
  return false;
}

/// libpq's reading of the password(s), when libpq is built in and accepts the string. A
/// URL of another scheme is read as if it said postgresql://, so a mistyped scheme hides
/// what libpq would have taken.
std::optional<std::vector<std::string>> libpq_reading(std::string_view text) {
#ifdef MIGRATE_HAVE_POSTGRES
  auto authority = url_authority(text);
  if (authority == std::string_view::npos) return postgres::libpq_passwords(std::string(text));
  return postgres::libpq_passwords("postgresql://" + std::string(text.substr(authority)));
#else
  (void)text;
  return std::nullopt;
#endif
}

}  // namespace

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

Redactor::Redactor(std::string_view connection_string) : m_raw(connection_string) {
  auto scanned = scan(connection_string);
  for (const auto& secret : scanned.secrets) add_secret(secret);
  auto libpq = libpq_reading(connection_string);
  if (libpq)
    for (const auto& secret : *libpq) add_secret(secret);
  m_shown = scanned.shown;
  // The display must not show what either reading calls a password; without libpq's
  // reading, not even a password keyword the scan missed.
  bool unsafe = !scanned.ok || reveals(m_shown) || (!libpq && shows_password_keyword(m_shown));
  if (unsafe) m_shown = std::string(k_withheld_connection_string);
}

void Redactor::add_secret(std::string_view secret) {
  if (secret.empty()) return;
  std::string decoded = percent_decode(secret);
  add_form(std::string(secret));
  add_form(decoded);
  add_form(percent_encode(decoded, true));
  add_form(percent_encode(decoded, false));
  // Longest first: a secret that is a prefix of another must not leave the other's tail.
  std::stable_sort(m_secrets.begin(), m_secrets.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void Redactor::add_form(std::string form) {
  if (!form.empty() && std::find(m_secrets.begin(), m_secrets.end(), form) == m_secrets.end())
    m_secrets.push_back(std::move(form));
}

bool Redactor::reveals(std::string_view text) const {
  return std::any_of(m_secrets.begin(), m_secrets.end(), [&](const std::string& secret) {
    return secret.size() >= k_min_replaceable && text.find(secret) != std::string_view::npos;
  });
}

std::string Redactor::text(std::string_view text) const {
  std::string out(text);
  for (const auto& secret : m_secrets)
    if (secret.size() >= k_min_replaceable) out = util::replace_all(out, secret, k_mask);
  // libpq quotes what it could not use ("could not translate host name "ss@db""); a quoted
  // part of the connection string that the display hides is a piece of a password.
  for (auto open = out.find('"'); open != std::string::npos; open = out.find('"', open + 1)) {
    auto close = out.find('"', open + 1);
    if (close == std::string::npos) break;
    auto quoted = std::string_view(out).substr(open + 1, close - open - 1);
    if (!quoted.empty() && m_raw.find(quoted) != std::string::npos && m_shown.find(quoted) == std::string::npos) {
      out.replace(open + 1, quoted.size(), k_mask);
      close = open + 1 + k_mask.size();
    }
    open = close;
  }
  for (const auto& secret : m_secrets)
    if (secret.size() < k_min_replaceable && out.find(secret) != std::string::npos)
      return std::string(k_withheld_message);
  return out;
}

std::string redact_url(const std::string& url) { return Redactor(url).shown(); }

}  // namespace migrate::backend
