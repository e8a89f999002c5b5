#include "script/header_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <system_error>
#include <type_traits>

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "util/files.hpp"

#ifndef MIGRATE_VERSION
#define MIGRATE_VERSION "unknown"
#endif

namespace migrate::script {

namespace {

// Bumped whenever the layout of an entry or of RevisionFile's cached fields changes. The
// migrate version is checked too, so a rebuilt parser never trusts another version's work.
constexpr std::string_view k_format = "2";

std::string first_line() { return "migrate header cache " + std::string(k_format) + " " + MIGRATE_VERSION + "\n"; }

// The content hash in the last line: catches a cache cut short or damaged on disk, which
// could otherwise still parse. Not a defence against someone writing the cache on purpose:
// whoever can write `.migrate/` can write the revision files too.
std::uint64_t content_hash(std::string_view s) {
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    h = (h ^ word) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 29;
  }
  for (; i < s.size(); ++i) h = (h ^ static_cast<unsigned char>(s[i])) * 0x100000001B3ull;
  h ^= h >> 33;
  return h * 0xC4CEB9FE1A85EC53ull;
}

// ---------------------------------------------------------------------------------------
// Encoding: an integer is its decimal digits and a space; a string is its length, ':' and
// its bytes (so any byte may appear in it). An entry is the real path (relative to the
// project's folder when inside it), the stamp and the parsed file, then a line feed. Each
// byte of an entry is 10 KB of a run's peak memory at 10,000 files: the checksum is stored
// as its 32 bytes and the status-change time as its distance from the modification time
// (nearly always 0).

void put(std::string& out, std::int64_t v) {
  out += std::to_string(v);
  out += ' ';
}

void put(std::string& out, std::string_view s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
}

void put(std::string& out, const std::vector<std::string>& list) {
  put(out, static_cast<std::int64_t>(list.size()));
  for (const auto& s : list) put(out, std::string_view(s));
}

void put(std::string& out, const std::optional<std::string>& value) {
  put(out, std::int64_t{value ? 1 : 0});
  if (value) put(out, std::string_view(*value));
}

void put(std::string& out, const SectionMap& sections) {
  put(out, static_cast<std::int64_t>(sections.size()));
  for (const auto& [key, section] : sections) {
    put(out, std::string_view(key));
    put(out, std::int64_t{section.first_line});
  }
}

// Reads what put() wrote; any surprise sets `ok` to false and every later read yields
// nothing, so a caller checks once at the end.
class Reader {
 public:
  explicit Reader(std::string_view s) : m_s(s) {}

  bool ok() const { return m_ok; }
  bool at_end() const { return m_i == m_s.size(); }
  std::size_t offset() const { return m_i; }

  std::int64_t integer() {
    std::int64_t v = 0;
    const char* begin = m_s.data() + m_i;
    const auto [end, ec] = std::from_chars(begin, m_s.data() + m_s.size(), v);
    if (ec != std::errc() || end == m_s.data() + m_s.size() || *end != ' ') return fail<std::int64_t>();
    m_i += static_cast<std::size_t>(end - begin) + 1;
    return v;
  }

  std::string_view text() {
    std::size_t n = 0;
    const char* begin = m_s.data() + m_i;
    const auto [end, ec] = std::from_chars(begin, m_s.data() + m_s.size(), n);
    if (ec != std::errc() || end == m_s.data() + m_s.size() || *end != ':') return fail<std::string_view>();
    const std::size_t start = m_i + static_cast<std::size_t>(end - begin) + 1;
    if (n > m_s.size() - start) return fail<std::string_view>();
    m_i = start + n;
    return m_s.substr(start, n);
  }

  void expect(char c) {
    if (m_i < m_s.size() && m_s[m_i] == c) {
      ++m_i;
    } else {
      m_ok = false;
    }
  }

  std::vector<std::string> list() {
    std::vector<std::string> out;
    const std::int64_t n = integer();
    if (n < 0 || static_cast<std::size_t>(n) > m_s.size()) return fail<std::vector<std::string>>();
    out.reserve(static_cast<std::size_t>(n));
    for (std::int64_t k = 0; k < n && m_ok; ++k) out.emplace_back(text());
    return out;
  }

  std::optional<std::string> optional_text() {
    if (integer() == 0) return std::nullopt;
    return std::string(text());
  }

  void sections(SectionMap& into) {
    const std::int64_t n = integer();
    if (n < 0 || n > 4) return fail<void>();  // generic, sqlite, postgresql: at most three
    for (std::int64_t k = 0; k < n && m_ok; ++k) {
      std::string key(text());
      into[std::move(key)].first_line = static_cast<int>(integer());
    }
  }

 private:
  template <class T>
  T fail() {
    m_ok = false;
    m_i = m_s.size();
    if constexpr (!std::is_void_v<T>) return T{};
  }

  std::string_view m_s;
  std::size_t m_i = 0;
  bool m_ok = true;
};

void put_stamp(std::string& out, const FileStamp& stamp) {
  put(out, stamp.size);
  put(out, stamp.mtime_ns);
  put(out, stamp.ctime_ns - stamp.mtime_ns);
  put(out, static_cast<std::int64_t>(stamp.inode));
  put(out, static_cast<std::int64_t>(stamp.device));
}

FileStamp read_stamp(Reader& in) {
  FileStamp stamp;
  stamp.size = in.integer();
  stamp.mtime_ns = in.integer();
  stamp.ctime_ns = stamp.mtime_ns + in.integer();
  stamp.inode = static_cast<std::uint64_t>(in.integer());
  stamp.device = static_cast<std::uint64_t>(in.integer());
  return stamp;
}

void put_file(std::string& out, const RevisionFile& f) {
  put(out, std::string_view(f.id));
  put(out, std::int64_t{f.header_line});
  put(out, f.down_revisions);
  put(out, f.branch_labels);
  put(out, f.depends_on);
  put(out, std::string_view(f.message));
  put(out, std::string_view(f.create_date));
  put(out, std::int64_t{f.transactional ? 1 : 0});
  put(out, f.lock_timeout);
  put(out, f.statement_timeout);
  put(out, static_cast<std::int64_t>(f.key_lines.size()));
  for (int line : f.key_lines) put(out, std::int64_t{line});
  put(out, f.upgrade_sections());
  put(out, f.downgrade_sections());
  const auto& digest = f.checksum.bytes();
  put(out, std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::optional<RevisionFile> read_file_fields(Reader& in) {
  RevisionFile f;
  f.id = in.text();
  f.header_line = static_cast<int>(in.integer());
  f.down_revisions = in.list();
  f.branch_labels = in.list();
  f.depends_on = in.list();
  f.message = in.text();
  f.create_date = in.text();
  f.transactional = in.integer() != 0;
  f.lock_timeout = in.optional_text();
  f.statement_timeout = in.optional_text();
  if (in.integer() != static_cast<std::int64_t>(f.key_lines.size())) return std::nullopt;
  for (int& line : f.key_lines) line = static_cast<int>(in.integer());
  in.sections(f.upgrade_sections());
  in.sections(f.downgrade_sections());
  const std::string_view digest = in.text();
  in.expect('\n');
  std::array<unsigned char, 32> bytes{};
  if (!in.ok() || f.id.empty() || digest.size() != bytes.size() || !f.defer_sections()) return std::nullopt;
  std::memcpy(bytes.data(), digest.data(), bytes.size());
  f.checksum = util::Sha256Digest(bytes);
  return f;
}

std::string hash_line(std::string_view content, std::size_t entries) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(content_hash(content)));
  return "end " + std::to_string(entries) + " " + hex + "\n";
}

// The entry count of the last line, "end <entries> <hash>", for reserving the index; 0 when
// unreadable. A damaged file is only found out by the hash check after this, so the count is
// bounded by what `content_size` bytes can hold: every entry has a 32-byte checksum.
std::size_t entries_declared(std::string_view last_line, std::size_t content_size) {
  std::size_t n = 0;
  if (last_line.starts_with("end ")) std::from_chars(last_line.data() + 4, last_line.data() + last_line.size(), n);
  return std::min(n, content_size / 32);
}

}  // namespace

std::optional<FileStamp> stamp_of(const std::string& path) { return stamp_of(AT_FDCWD, path.c_str()); }

std::optional<FileStamp> stamp_of(int folder_fd, const char* name) {
  struct stat st {};
  if (::fstatat(folder_fd, name, &st, 0) != 0) return std::nullopt;
  FileStamp s;
  s.size = static_cast<std::int64_t>(st.st_size);
  s.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  s.ctime_ns = static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
  s.inode = static_cast<std::uint64_t>(st.st_ino);
  s.device = static_cast<std::uint64_t>(st.st_dev);
  return s;
}

std::int64_t wall_clock_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::filesystem::path header_cache_file(const std::filesystem::path& config_file) {
  if (config_file.empty()) return {};
  const char* off = std::getenv("MIGRATE_NO_CACHE");
  if (off && *off && std::string_view(off) != "0") return {};
  return config_file.parent_path() / ".migrate" / "header-cache";
}

// The project's folder, as a real path ending in '/': the prefix stripped from the paths of
// the files inside it. Empty (every path kept whole) when it cannot be resolved.
std::string project_root(const std::filesystem::path& cache_file) {
  std::error_code ec;
  const std::filesystem::path root = std::filesystem::canonical(cache_file.parent_path().parent_path(), ec);
  if (ec || root.empty()) return {};
  std::string out = root.native();
  if (!out.ends_with('/')) out += '/';
  return out;
}

HeaderCache::HeaderCache(std::filesystem::path file, std::int64_t now_ns)
    : m_file(std::move(file)), m_root(project_root(m_file)), m_now_ns(now_ns) {
  if (!read()) {
    m_index = {};
    m_content = {};
  }
}

// False (the cache is then empty) on anything unexpected. A missing file is the usual case
// the first time and is not worth a message.
bool HeaderCache::read() {
  try {
    m_content = util::read_file(m_file, ErrorKind::config);
  } catch (const Error& e) {
    if (std::filesystem::exists(m_file)) spdlog::debug("header cache not used: {}", e.what());
    return false;
  }
  const std::string head = first_line();
  if (!m_content.starts_with(head)) {
    spdlog::debug("header cache {} not used: written by another version of migrate", m_file.string());
    return false;
  }
  auto damaged = [&] {
    spdlog::debug("header cache {} not used: damaged", m_file.string());
    return false;
  };
  // The last line, "end <entries> <hash>", holds no line feed but its own.
  const std::size_t last = m_content.size() < 2 ? std::string::npos : m_content.rfind('\n', m_content.size() - 2);
  if (!m_content.ends_with('\n') || last == std::string::npos || last + 1 < head.size()) return damaged();
  const std::string_view content(m_content);
  if (content.size() > UINT32_MAX) return damaged();  // positions are kept in 32 bits
  m_index.reserve(entries_declared(content.substr(last + 1), content.size()));
  Reader in(content.substr(head.size(), last + 1 - head.size()));
  while (in.ok() && !in.at_end()) {
    const std::size_t start = in.offset();
    in.text();  // the path
    in.text();  // the stamp and the parsed file, read when looked up
    in.expect('\n');
    if (in.ok()) m_index.push_back({static_cast<std::uint32_t>(head.size() + start), static_cast<std::uint32_t>(in.offset() - start)});
  }
  if (!in.ok() || content.substr(last + 1) != hash_line(content.substr(0, last + 1), m_index.size())) return damaged();
  index_by_path();
  return true;
}

// Sorts the entries by path for find's binary search. A path stored twice (not written by
// migrate, but harmless) keeps its last entry, as a later line would have replaced an earlier.
void HeaderCache::index_by_path() {
  std::stable_sort(m_index.begin(), m_index.end(),
                   [&](const IndexEntry& a, const IndexEntry& b) { return key(a) < key(b); });
  auto last_of_each = [&](const IndexEntry& a, const IndexEntry& b) { return key(a) == key(b); };
  std::reverse(m_index.begin(), m_index.end());
  m_index.erase(std::unique(m_index.begin(), m_index.end(), last_of_each), m_index.end());
  std::reverse(m_index.begin(), m_index.end());
}

std::string_view HeaderCache::entry(const IndexEntry& e) const {
  return std::string_view(m_content).substr(e.at, e.size);
}

std::string_view HeaderCache::key(const IndexEntry& e) const { return Reader(entry(e)).text(); }

std::string_view HeaderCache::stored_path(std::string_view real_path) const {
  if (!m_root.empty() && real_path.starts_with(m_root)) real_path.remove_prefix(m_root.size());
  return real_path;  // relative inside the project, absolute outside: the two never meet
}

std::optional<HeaderCache::Hit> HeaderCache::find(std::string_view real_path, const FileStamp& stamp) const {
  if (!real_path.starts_with('/')) return std::nullopt;  // not a real path: stored under none
  const std::string_view path = stored_path(real_path);
  const auto it = std::lower_bound(m_index.begin(), m_index.end(), path,
                                   [&](const IndexEntry& e, std::string_view p) { return key(e) < p; });
  if (it == m_index.end() || key(*it) != path) return std::nullopt;
  Reader stored(entry(*it));
  stored.text();
  Reader in(stored.text());
  if (read_stamp(in) != stamp || !in.ok()) return std::nullopt;
  std::optional<RevisionFile> file = read_file_fields(in);
  if (!file || !in.at_end()) return std::nullopt;
  return Hit{std::move(*file), entry(*it)};
}

std::string HeaderCache::entry_for(std::string_view real_path, const FileStamp& stamp,
                                   const RevisionFile& file) const {
  const std::int64_t settled = m_now_ns - k_racy_window_ns;
  if (!real_path.starts_with('/')) return {};
  if (stamp.mtime_ns >= settled || stamp.ctime_ns >= settled) return {};
  std::string fields;
  put_stamp(fields, stamp);
  put_file(fields, file);
  fields += '\n';
  std::string entry;
  put(entry, stored_path(real_path));
  put(entry, std::string_view(fields));
  entry += '\n';
  return entry;
}

void HeaderCache::save(const std::vector<std::string_view>& entries) const {
  std::size_t kept = 0, count = 0;
  for (const auto& e : entries) {
    if (e.empty()) continue;
    ++count;
    // An entry read from the cache is a view into m_content.
    if (e.data() >= m_content.data() && e.data() < m_content.data() + m_content.size()) ++kept;
  }
  if (kept == count && count == m_index.size() && !m_content.empty()) return;  // nothing changed
  if (count == 0 && m_content.empty()) return;  // nothing to keep, and no cache to empty
  std::string out = first_line();
  for (const auto& e : entries) out += e;
  out += hash_line(out, count);
  std::error_code ec;
  std::filesystem::create_directories(m_file.parent_path(), ec);
  try {
    util::write_file_atomic(m_file, out, true, ErrorKind::config);
    spdlog::debug("header cache {} written: {} files", m_file.string(), count);
  } catch (const Error& e) {
    spdlog::debug("header cache not written: {}", e.what());
  }
}

}  // namespace migrate::script
