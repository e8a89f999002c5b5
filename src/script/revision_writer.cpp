#include "script/revision_writer.hpp"

#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <random>

#include "core/error.hpp"
#include "script/revision_file.hpp"
#include "script/templates.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"

namespace migrate::script {

namespace fs = std::filesystem;

namespace {

bool is_word_byte(unsigned char c) {
  // \w of Python's re on str: letters, digits, '_'; every non-ASCII byte is taken as part of
  // a word (most non-ASCII characters in a message are letters).
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

bool is_utf8_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Byte length of the first `chars` code points of `s` (Python slices by code point).
std::size_t prefix_bytes(std::string_view s, std::size_t chars) {
  std::size_t i = 0;
  for (std::size_t n = 0; i < s.size() && n < chars; ++n) {
    ++i;
    while (i < s.size() && is_utf8_continuation(static_cast<unsigned char>(s[i]))) ++i;
  }
  return i;
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += is_utf8_continuation(c) ? 0 : 1;
  return n;
}

bool is_utc(const std::string& tz) { return util::iequals(tz, "UTC"); }

bool is_local(const std::string& tz) { return util::iequals(tz, "local"); }

bool zone_file_exists(const std::string& name) {
  if (name.empty() || name[0] == '/' || name.find("..") != std::string::npos) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '+' || c == '/';
    if (!ok) return false;
  }
  const char* tzdir = std::getenv("TZDIR");
  std::error_code ec;
  return fs::is_regular_file(fs::path(tzdir && *tzdir ? tzdir : "/usr/share/zoneinfo") / name, ec);
}

// The IANA name to use for `tz`: as given, else upper-cased (as Alembic tries).
std::string resolve_zone(const std::string& tz) {
  if (zone_file_exists(tz)) return tz;
  std::string upper = tz;
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  if (zone_file_exists(upper)) return upper;
  throw Error(ErrorKind::config, "Can't locate timezone: " + tz,
              "set `timezone` in migrate.toml to \"UTC\", \"local\" or an IANA name such as \"Europe/Paris\"");
}

// Broken-down time of `t` in `tz`. IANA zones go through TZ + localtime_r: glibc has no
// per-call zone API and GCC 12's <chrono> has no time-zone database yet.
std::tm broken_down(std::time_t t, const std::string& tz) {
  std::tm out{};
  if (is_utc(tz)) {
    gmtime_r(&t, &out);
    return out;
  }
  if (is_local(tz)) {
    localtime_r(&t, &out);
    return out;
  }
  const std::string zone = resolve_zone(tz);
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  const char* old = std::getenv("TZ");
  const std::optional<std::string> saved = old ? std::optional<std::string>(old) : std::nullopt;
  ::setenv("TZ", zone.c_str(), 1);
  ::tzset();
  localtime_r(&t, &out);
  if (saved) {
    ::setenv("TZ", saved->c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
  return out;
}

std::string two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

// A TOML basic string.
std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string toml_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += toml_string(items[i]);
  }
  return out + "]";
}

}  // namespace

std::string slugify(std::string_view message, int truncate_length) {
  std::string slug;
  for (std::size_t i = 0; i < message.size();) {
    if (!is_word_byte(static_cast<unsigned char>(message[i]))) {
      ++i;
      continue;
    }
    if (!slug.empty()) slug += '_';
    while (i < message.size() && is_word_byte(static_cast<unsigned char>(message[i]))) {
      char c = message[i++];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      slug += c;
    }
  }
  const std::size_t limit = truncate_length > 0 ? static_cast<std::size_t>(truncate_length) : 40;
  if (code_points(slug) > limit) {
    slug.resize(prefix_bytes(slug, limit));
    if (const auto cut = slug.rfind('_'); cut != std::string::npos) slug.resize(cut);
    slug += '_';
  }
  return slug;
}

std::string render_file_name(const std::string& file_template, const NewRevision& rev, int truncate_slug_length,
                             const std::string& timezone) {
  const std::time_t t = std::chrono::system_clock::to_time_t(rev.created);
  const std::tm tm = broken_down(t, timezone);
  std::string out;
  for (std::size_t i = 0; i < file_template.size();) {
    const std::size_t open = file_template.find('{', i);
    if (open == std::string::npos) {
      out.append(file_template, i, std::string::npos);
      break;
    }
    out.append(file_template, i, open - i);
    const std::size_t close = file_template.find('}', open);
    const std::string token =
        close == std::string::npos ? std::string() : file_template.substr(open + 1, close - open - 1);
    if (token == "rev") {
      out += rev.id;
    } else if (token == "slug") {
      out += slugify(rev.message, truncate_slug_length);
    } else if (token == "year") {
      out += std::to_string(tm.tm_year + 1900);
    } else if (token == "month") {
      out += two(tm.tm_mon + 1);
    } else if (token == "day") {
      out += two(tm.tm_mday);
    } else if (token == "hour") {
      out += two(tm.tm_hour);
    } else if (token == "minute") {
      out += two(tm.tm_min);
    } else if (token == "second") {
      out += two(tm.tm_sec);
    } else if (token == "epoch") {
      out += std::to_string(static_cast<long long>(t));
    } else {
      throw Error(ErrorKind::config, "Unknown token `{" + token + "}` in file_template \"" + file_template + "\"",
                  "tokens: {rev} {slug} {year} {month} {day} {hour} {minute} {second} {epoch}");
    }
    i = close + 1;
  }
  return out + ".sql";
}

std::string format_create_date(std::chrono::system_clock::time_point t, const std::string& timezone) {
  using namespace std::chrono;
  const auto since = t.time_since_epoch();
  auto secs = duration_cast<seconds>(since);
  auto micros = duration_cast<microseconds>(since - secs).count();
  if (micros < 0) {  // before 1970: floor, not truncate
    secs -= seconds(1);
    micros += 1000000;
  }
  const std::tm tm = broken_down(static_cast<std::time_t>(secs.count()), timezone);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06lld", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros));
  return buf;
}

namespace {

// A file migrate itself would refuse to load must not be written: the reserved names.
void refuse_reserved_names(const NewRevision& rev) {
  auto refuse = [](const std::string& name, std::string_view what, std::string_view option) {
    if (!is_reserved_revision_name(name)) return;
    throw Error(ErrorKind::usage, "\"" + name + "\" cannot be " + std::string(what),
                "base, head, heads and current (in any case) name positions in the graph; give another " +
                    std::string(option));
  };
  refuse(rev.id, "a revision id", "--rev-id");
  for (const auto& label : rev.branch_labels) refuse(label, "a branch label", "--branch-label");
}

}  // namespace

namespace {

/// `text` (the template's output) with the sections' SQL placed under their markers.
std::string with_sections(std::string text, const NewRevision& rev) {
  if (rev.upgrade_sql.empty() && rev.downgrade_sql.empty()) return text;
  const std::string empty_sections = "-- migrate:upgrade\n\n\n-- migrate:downgrade\n";
  const auto at = text.find(empty_sections);
  if (at == std::string::npos)
    throw Error(ErrorKind::internal, "the revision template has no empty upgrade and downgrade sections");
  auto ended = [](const std::string& sql) { return sql.empty() || sql.back() == '\n' ? sql : sql + "\n"; };
  return text.substr(0, at) + "-- migrate:upgrade\n" + ended(rev.upgrade_sql) + "\n-- migrate:downgrade\n" +
         ended(rev.downgrade_sql) + text.substr(at + empty_sections.size());
}

}  // namespace

std::string render_revision_file(const NewRevision& rev, const std::string& timezone) {
  refuse_reserved_names(rev);
  std::string header = "-- revision = " + toml_string(rev.id) + "\n";
  header += "-- down_revision = ";
  header += rev.down_revisions.size() == 1 ? toml_string(rev.down_revisions[0])
            : rev.down_revisions.empty()   ? std::string("\"\"")
                                           : toml_array(rev.down_revisions);
  header += "\n";
  if (!rev.branch_labels.empty()) header += "-- branch_labels = " + toml_array(rev.branch_labels) + "\n";
  if (!rev.depends_on.empty()) header += "-- depends_on = " + toml_array(rev.depends_on) + "\n";
  header += "-- message = " + toml_string(rev.message.empty() ? "empty message" : rev.message) + "\n";
  header += "-- create_date = " + toml_string(format_create_date(rev.created, timezone));
  return with_sections(util::replace_all(revision_template(), "{{header}}", header), rev);
}

fs::path write_revision_file(const fs::path& dir, const std::string& file_name, const std::string& content) {
  const fs::path path = fs::absolute(dir / file_name).lexically_normal();
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) throw Error(ErrorKind::config, "Cannot create folder " + path.parent_path().string() + ": " + ec.message());
  util::write_file_atomic(path, content, false, ErrorKind::usage);
  return path;
}

std::string generate_revision_id() {
  static const char* hex = "0123456789abcdef";
  std::random_device rd;
  const std::uint64_t bits = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  std::string id(12, '0');
  for (int i = 0; i < 12; ++i) id[static_cast<std::size_t>(i)] = hex[(bits >> (4 * i)) & 0xf];
  return id;
}

}  // namespace migrate::script
