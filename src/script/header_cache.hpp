#pragma once
/// The header cache (docs/configuration.md, "The header cache"): what loading a revision file
/// yields (its parsed header, which sections it has and where, its checksum), kept between
/// runs in `.migrate/header-cache` beside migrate.toml, so a run that finds a file unchanged
/// neither reads nor parses it. The SQL itself is not cached: a file taken from the cache
/// reads its sections when a step needs them (RevisionFile::defer_sections).
///
/// Why it cannot change an answer: an entry is used only when the file's real path, size,
/// modification time, status-change time (both in nanoseconds), inode and device all equal
/// the recorded ones. Any write to a file, a rename over it and utime(2) (restoring the
/// modification time of an edited file) all set its status-change time to the current time.
/// An entry is never stored for a file changed within k_racy_window_ns of the moment loading
/// started, since a second change within the same clock tick would leave every time equal
/// ("racily clean", as git calls it). The cache file carries a format number, the migrate
/// version and a hash of its content; anything unexpected discards the whole of it.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "script/revision_file.hpp"

namespace migrate::script {

/// What stat(2) says of a file; an entry is used only when all of it is unchanged.
struct FileStamp {
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  std::uint64_t inode = 0;
  std::uint64_t device = 0;
  bool operator==(const FileStamp&) const = default;
};

/// The stamp of the file at `path` (symbolic links followed); nullopt when stat fails.
std::optional<FileStamp> stamp_of(const std::string& path);
/// The same for file `name` of the open folder `folder_fd` (a one-component lookup).
std::optional<FileStamp> stamp_of(int folder_fd, const char* name);

/// The current time (CLOCK_REALTIME) in nanoseconds, as file times are kept.
std::int64_t wall_clock_ns();

/// `.migrate/header-cache` in the folder of `config_file`; empty (no cache) when there is no
/// configuration file or MIGRATE_NO_CACHE is set to anything but "" or "0".
std::filesystem::path header_cache_file(const std::filesystem::path& config_file);

class HeaderCache {
 public:
  /// Files changed less than this before loading started get no entry (2 s: coarse enough
  /// for file systems that keep times in whole seconds, or in two).
  static constexpr std::int64_t k_racy_window_ns = 2'000'000'000;

  /// Reads the cache at `file`. A missing, unreadable or malformed file, or one written by
  /// another format or migrate version, gives an empty cache (said at debug level only).
  /// `now_ns` is when loading started (wall_clock_ns()), for the racily-clean rule.
  HeaderCache(std::filesystem::path file, std::int64_t now_ns);

  struct Hit {
    RevisionFile file;        ///< `path` left empty; sections deferred
    std::string_view entry;   ///< the entry as stored, kept when the cache is written again
  };
  /// The cached file at `real_path`, when its entry's stamp equals `stamp`. Safe to call from
  /// several threads.
  std::optional<Hit> find(std::string_view real_path, const FileStamp& stamp) const;

  /// The entry to store for a freshly parsed `file`; "" when it must not be stored (changed
  /// within k_racy_window_ns of loading).
  std::string entry_for(std::string_view real_path, const FileStamp& stamp, const RevisionFile& file) const;

  /// Writes the cache holding `entries` (in load order; "" ones left out), replacing the file
  /// atomically, unless they are exactly the entries read. Never throws: a failure (read-only
  /// folder, permissions) is said at debug level, as the cache only saves time.
  void save(const std::vector<std::string_view>& entries) const;

  std::size_t size() const { return m_index.size(); }

 private:
  /// One entry of the index: where its entry lies in m_content (8 bytes: the path is read
  /// from the entry itself when compared).
  struct IndexEntry {
    std::uint32_t at;
    std::uint32_t size;
  };

  bool read();
  void index_by_path();
  std::string_view entry(const IndexEntry& e) const;
  std::string_view key(const IndexEntry& e) const;  ///< the path the entry is stored under
  /// The path a file's entry is stored under: relative to m_root when inside it.
  std::string_view stored_path(std::string_view real_path) const;

  std::filesystem::path m_file;
  std::string m_root;  // the project's folder (real path, ending in '/'); "" when unknown
  std::int64_t m_now_ns;

  std::string m_content;            // the file as read
  std::vector<IndexEntry> m_index;  // sorted by path, one per path (a sorted vector, not a
                                    // hash map: a tenth of the memory at 10,000 files)
};

}  // namespace migrate::script
