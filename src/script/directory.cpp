#include "script/directory.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <atomic>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <tuple>
#include <unordered_set>
#include <utility>

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "script/header_cache.hpp"
#include "util/files.hpp"

namespace migrate::script {

namespace fs = std::filesystem;

namespace {

struct FileName {
  std::string name;
  bool is_symlink = false;
  bool operator<(const FileName& o) const { return name < o.name; }
};

struct Listing {
  std::vector<FileName> files;     // sorted by name
  std::vector<std::string> dirs;   // sub-folder names, sorted
};

std::string_view type_name(fs::file_type type) {
  switch (type) {
    case fs::file_type::directory: return "a folder";
    case fs::file_type::fifo: return "a named pipe";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::block: return "a block device";
    case fs::file_type::character: return "a character device";
    default: return "not a regular file";
  }
}

// A `*.sql` entry that is not a regular file: a dangling or looping symbolic link is an
// error (a revision the author meant to ship is missing); anything else is skipped with a
// warning. Only the entry's status is read: opening a named pipe would block.
void skip_not_regular(const fs::directory_entry& entry, bool folder_walked) {
  std::error_code ec, link_type_ec;
  const fs::file_status status = entry.status(ec);
  if (entry.is_symlink(link_type_ec) && (ec || status.type() == fs::file_type::not_found)) {
    std::error_code link_ec;
    const fs::path target = fs::read_symlink(entry.path(), link_ec);
    throw Error(ErrorKind::script,
                entry.path().string() + " is a symbolic link to " + target.string() +
                    (status.type() == fs::file_type::not_found ? ", which does not exist"
                                                               : ", which cannot be followed: " + ec.message()),
                "fix the link, or delete it if the revision is gone");
  }
  if (status.type() == fs::file_type::directory) {
    if (folder_walked) return;  // its files load as a sub-folder's
    spdlog::warn("skipped {}: a folder, not a revision file (recursive_version_locations = true loads the "
                 "files inside it)", entry.path().string());
    return;
  }
  spdlog::warn("skipped {}: {}, not a regular file", entry.path().string(), type_name(status.type()));
}

// Alembic's revisions are Python files; a folder of them would otherwise load as empty.
void warn_python_files(const fs::path& dir, std::size_t count) {
  if (count == 0) return;
  spdlog::warn("{} holds {} Python file{} (*.py), not loaded: migrate reads .sql revision files only. Alembic "
               "revisions must be translated into .sql files (keep their revision ids), then moved out",
               dir.string(), count, count == 1 ? "" : "s");
}

struct Sorting {
  std::size_t python_files = 0;
  std::vector<fs::directory_entry> odd;  // `*.sql` entries that are not regular files
};

bool is_sql_name(std::string_view name) { return name.size() > 4 && name.ends_with(".sql"); }

// An entry whose kind readdir did not settle (a symbolic link, a file system that reports no
// type): std::filesystem looks, following links, at the cost of a stat.
void sort_entry(const fs::directory_entry& entry, std::string name, Listing& out, Sorting& sorting) {
  std::error_code type_ec;
  const bool sql = is_sql_name(name);
  if (sql && entry.is_regular_file(type_ec)) {
    out.files.push_back(FileName{std::move(name), entry.is_symlink(type_ec)});
    return;
  }
  if (sql) sorting.odd.push_back(entry);
  if (entry.is_directory(type_ec)) {
    out.dirs.push_back(std::move(name));
  } else if (name.ends_with(".py")) {
    ++sorting.python_files;
  }
}

// Names starting with '.' are skipped: editor backups (`.#x.sql`), our own temporary files
// from atomic writes, hidden folders such as `.git`. Plain files and folders are sorted by the
// type readdir reports, with no system call per entry (no std::filesystem::path either: a
// thousand of those are a visible share of a no-op run).
Listing list_folder(const fs::path& dir, bool recursive) {
  Listing out;
  std::unique_ptr<DIR, int (*)(DIR*)> handle(::opendir(dir.c_str()), ::closedir);
  if (!handle) throw Error(ErrorKind::config, "Cannot read folder " + dir.string() + ": " + std::strerror(errno));
  Sorting sorting;
  for (;;) {
    errno = 0;  // readdir's end of the folder leaves it alone; an error sets it
    const dirent* entry = ::readdir(handle.get());
    if (!entry) break;
    std::string name = entry->d_name;
    if (name.empty() || name[0] == '.') continue;
    if (entry->d_type == DT_REG) {
      if (is_sql_name(name)) out.files.push_back(FileName{std::move(name), false});
      else if (name.ends_with(".py")) ++sorting.python_files;
    } else if (entry->d_type == DT_DIR && !is_sql_name(name)) {
      out.dirs.push_back(std::move(name));
    } else {
      fs::directory_entry path_entry(dir / name);  // before `name` is moved from
      sort_entry(path_entry, std::move(name), out, sorting);
    }
  }
  if (errno != 0) throw Error(ErrorKind::config, "Cannot read folder " + dir.string() + ": " + std::strerror(errno));
  // In name order, so the error or warnings do not depend on the order readdir returns.
  std::sort(sorting.odd.begin(), sorting.odd.end());
  for (const auto& entry : sorting.odd) skip_not_regular(entry, recursive);
  warn_python_files(dir, sorting.python_files);
  std::sort(out.files.begin(), out.files.end());
  std::sort(out.dirs.begin(), out.dirs.end());
  return out;
}

// A folder opened for stat(2) by name (O_PATH: no read permission needed). A folder that
// cannot be opened so gives no stamps: its files are read, never taken from the cache.
class FolderFd {
 public:
  explicit FolderFd(const fs::path& dir) : m_fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)) {}
  ~FolderFd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  FolderFd(FolderFd&& o) noexcept : m_fd(std::exchange(o.m_fd, -1)) {}
  FolderFd(const FolderFd&) = delete;
  FolderFd& operator=(const FolderFd&) = delete;
  FolderFd& operator=(FolderFd&&) = delete;

  std::optional<FileStamp> stamp_of(const char* name) const {
    if (m_fd < 0) return std::nullopt;
    return script::stamp_of(m_fd, name);
  }

 private:
  int m_fd;
};

// One file to load: its folder (open) and its path as reported (its name there is the path's
// tail). The header cache's key is its real path, the folder's real path and the name, unless
// it is a symbolic link, which the cache leaves alone: a link retargeted between the stat and
// the read would pair one file's times with another's content. Compact: at 10,000 files each
// byte here is 10 KB of a `heads` run's peak.
struct Found {
  std::uint32_t folder;
  std::uint32_t name_offset;
  std::string path;
  bool is_symlink;

  const char* name() const { return path.c_str() + name_offset; }
};

// `dir / name` as fs::path would give it, built as one string.
std::string joined(const fs::path& dir, const std::string& name) {
  std::string out;
  out.reserve(dir.native().size() + 1 + name.size());
  out = dir.native();
  if (!out.empty() && out.back() != '/') out += '/';
  out += name;
  return out;
}

class Loader {
 public:
  explicit Loader(bool recursive) : m_recursive(recursive) {}

  void load_location(const fs::path& location) {
    std::error_code ec;
    const auto status = fs::status(location, ec);
    if (!fs::exists(status)) {
      throw Error(ErrorKind::config, "Version location " + location.string() + " does not exist",
                  "run `migrate init DIR` to create a script folder, or fix script_location / "
                  "version_locations in migrate.toml");
    }
    if (!fs::is_directory(status)) {
      throw Error(ErrorKind::config, "Version location " + location.string() + " is not a folder",
                  "fix script_location / version_locations in migrate.toml");
    }
    const fs::path real = real_path(location);
    if (m_walked.insert(real.native()).second) walk(location, real);  // else loaded already
  }

  /// Reads and parses every file found, in load order; with a `cache`, takes the unchanged
  /// ones from it and brings it up to date.
  std::vector<RevisionFile> read_all(HeaderCache* cache);
  std::size_t cache_hits() const { return m_cache_hits.load(); }

 private:
  static fs::path real_path(const fs::path& p) {
    std::error_code ec;
    fs::path real = fs::canonical(p, ec);
    return ec ? fs::absolute(p).lexically_normal() : real;
  }

  // Pre-order, like os.walk(topdown=True) with sorted names: a folder's files, then each
  // sub-folder in name order. No folder is walked twice (m_walked, by real path), so two
  // files that are not symbolic links never share a real path: only a linked file can reach
  // a file loaded already, and only then are real paths kept to find it.
  void walk(const fs::path& dir, const fs::path& real_dir) {
    const Listing listing = list_folder(dir, m_recursive);
    const std::size_t folder = m_folders.size();  // opened with the first file kept
    // Room for this folder's files at once (a vector doubling as it fills would end up to
    // twice as large), growing geometrically over many folders.
    if (m_found.capacity() < m_found.size() + listing.files.size())
      m_found.reserve(std::max(m_found.size() + listing.files.size(), 2 * m_found.capacity()));
    for (const auto& file : listing.files) {
      std::string path = joined(dir, file.name);
      if (file.is_symlink || !m_seen.empty()) {
        // Only a symlinked file needs canonical(); any other file's real path is its folder's.
        std::string real = file.is_symlink ? real_path(fs::path(path)).native() : in_real_dir(real_dir.native(), file.name);
        if (!first_visit(std::move(real))) continue;  // reached twice: loaded once
      }
      if (folder == m_folders.size()) {
        m_folders.push_back(std::make_unique<util::Folder>(dir, ErrorKind::config));
        m_stat_folders.emplace_back(dir);
        m_real_dirs.push_back(real_dir.native());
      }
      const auto name_offset = static_cast<std::uint32_t>(path.size() - file.name.size());
      m_found.push_back(Found{static_cast<std::uint32_t>(folder), name_offset, std::move(path), file.is_symlink});
    }
    if (!m_recursive) return;
    for (const auto& name : listing.dirs) {
      const fs::path sub = dir / name;
      const fs::path real_sub = real_path(sub);
      if (!m_walked.insert(real_sub.string()).second) continue;  // a symlink loop or a repeat
      walk(sub, real_sub);
    }
  }

  // False when a file with real path `real` was kept already. The set is filled with every
  // file kept so far when the first symbolic link calls for it.
  bool first_visit(std::string real) {
    if (m_seen.empty()) {
      m_seen.reserve(m_found.size() + 1);
      for (const auto& f : m_found) m_seen.insert(real_path_of(f));
    }
    return m_seen.insert(std::move(real)).second;
  }

  // The real path of a file that is not a symbolic link: its folder's and its name.
  static std::string in_real_dir(const std::string& real_dir, std::string_view name) {
    std::string out;
    out.reserve(real_dir.size() + 1 + name.size());
    return out.append(real_dir).append(1, '/').append(name);
  }
  std::string real_path_of(const Found& f) const { return in_real_dir(m_real_dirs[f.folder], f.name()); }

  RevisionFile load_one(Found& f, std::string& buffer, HeaderCache* cache, std::string_view& entry, std::string& fresh);

  bool m_recursive;
  std::atomic<std::size_t> m_cache_hits{0};
  std::vector<Found> m_found;
  std::vector<std::unique_ptr<util::Folder>> m_folders;
  std::vector<FolderFd> m_stat_folders;  // by the same index: where the cache's stats look
  std::vector<std::string> m_real_dirs;   // by the same index: each folder's real path
  std::unordered_set<std::string> m_seen;  // real paths of files kept, once a link is met
  std::unordered_set<std::string> m_walked;  // real paths of folders walked
};

// One file: from the cache when its entry's stamp still holds (the stat comes before the read,
// so a change racing with the read leaves a stamp older than the content: next time it
// misses), else read and parsed, with the entry to record for it in `fresh`.
RevisionFile Loader::load_one(Found& f, std::string& buffer, HeaderCache* cache, std::string_view& entry,
                              std::string& fresh) {
  std::optional<FileStamp> stamp;
  std::string cache_key;
  if (cache && !f.is_symlink) {
    stamp = m_stat_folders[f.folder].stamp_of(f.name());
    if (stamp) cache_key = real_path_of(f);
  }
  if (stamp) {
    if (auto hit = cache->find(cache_key, *stamp)) {
      hit->file.path = std::move(f.path);
      entry = hit->entry;
      m_cache_hits.fetch_add(1, std::memory_order_relaxed);
      return std::move(hit->file);
    }
  }
  const std::size_t size = m_folders[f.folder]->read_into(f.name(), buffer, ErrorKind::script);
  RevisionFile file = parse_revision_file(std::move(f.path), std::string_view(buffer.data(), size));
  if (stamp) fresh = cache->entry_for(cache_key, *stamp, file);  // read_all records it
  // Its SQL is kept (at 10,000 files, 4 MB more than files taken from the cache hold): the
  // files just written, which a cache cannot have yet, are the ones an upgrade is about to
  // run, and reading and parsing each again would cost it a tenth of its time.
  return file;
}

// Reads and parses on a few threads: with thousands of files the system calls dominate and
// overlap well. The error reported is the one of the first failing file in load order, so
// the outcome does not depend on scheduling.
std::vector<RevisionFile> Loader::read_all(HeaderCache* cache) {
  std::vector<RevisionFile> files(m_found.size());
  std::vector<std::string_view> entries(cache ? m_found.size() : 0);
  // Only the files read afresh have an entry of their own, and only the first failure in
  // load order is reported: neither needs a slot per file.
  std::mutex lock;
  std::deque<std::string> fresh;  // a deque: the views in `entries` stay valid as it grows
  std::size_t first_failed = m_found.size();
  std::exception_ptr first_error;
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    std::string buffer;  // one per thread, reused for every file
    std::string_view no_entry;
    std::string made;
    for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < m_found.size();) {
      made.clear();  // nothing of a file that failed is kept for the next
      try {
        files[i] = load_one(m_found[i], buffer, cache, cache ? entries[i] : no_entry, made);
        if (made.empty()) continue;
        std::lock_guard guard(lock);
        entries[i] = fresh.emplace_back(std::move(made));
      } catch (...) {
        std::lock_guard guard(lock);
        if (i < first_failed) std::tie(first_failed, first_error) = std::pair(i, std::current_exception());
      }
    }
  };
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t threads = std::min<std::size_t>({hw, 8, m_found.size() / 256 + 1});
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no more threads available: the ones running (and this one) do the rest
    }
  }
  work();
  for (auto& t : pool) t.join();
  if (first_error) std::rethrow_exception(first_error);
  if (cache) cache->save(entries);
  return files;
}

}  // namespace

std::vector<RevisionFile> load_revision_files(const std::vector<fs::path>& locations, bool recursive,
                                              const fs::path& header_cache) {
  const std::int64_t started = wall_clock_ns();  // before any stat: the racily-clean rule's "now"
  Loader loader(recursive);
  for (const auto& location : locations) loader.load_location(location);
  if (header_cache.empty()) return loader.read_all(nullptr);
  HeaderCache cache(header_cache, started);
  auto files = loader.read_all(&cache);
  spdlog::debug("{} of {} revision files unchanged since the header cache {} recorded them", loader.cache_hits(),
                files.size(), header_cache.string());
  return files;
}

}  // namespace migrate::script
