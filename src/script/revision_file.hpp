#pragma once
/// One parsed revision file (docs/file-format.md).
///
/// Format, line by line (the file is read as UTF-8, a leading BOM is ignored, CRLF = LF):
///  - Free `--` comment lines and blank lines may come before the header. Any other line
///    outside a section is an error (SQL would otherwise be silently ignored).
///  - `-- migrate:revision` opens the header. The `--` lines right after it, up to the first
///    blank line, non-comment line or directive, are TOML once `--` and one optional space
///    are removed. Keys: revision (required), down_revision, branch_labels, depends_on,
///    message, create_date, transactional, lock_timeout, statement_timeout.
///  - A directive is a line `-- migrate:<name> [option...]` (spaces after `--` optional):
///    `revision`, `upgrade`, `downgrade`; the last two accept `dialect=sqlite` or
///    `dialect=postgresql` (`postgres` is read as `postgresql`). A directive line inside SQL
///    is still a directive: the format is line based.
///  - A section's SQL runs from the line after its directive to the next directive or the
///    end of the file, kept verbatim.

#include <array>
#include <filesystem>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/dialect.hpp"
#include "util/compact_list.hpp"
#include "util/optional_text.hpp"
#include "util/sha256.hpp"

namespace migrate::script {

/// A revision file's path, kept as one string. std::filesystem::path keeps a list of its
/// components besides (an allocation each): about half a kilobyte per file, and a visible
/// share of loading time and memory at thousands of files. Converts to and from
/// std::filesystem::path for the few places that need path operations.
class FilePath {
 public:
  FilePath() = default;
  FilePath(std::string path) : m_path(std::move(path)) {}                    // NOLINT: implicit by design
  FilePath(const char* path) : m_path(path) {}                               // NOLINT
  FilePath(const std::filesystem::path& path) : m_path(path.native()) {}     // NOLINT
  operator std::filesystem::path() const { return std::filesystem::path(m_path); }  // NOLINT

  const std::string& string() const { return m_path; }
  const std::string& native() const { return m_path; }
  const char* c_str() const { return m_path.c_str(); }
  bool empty() const { return m_path.empty(); }
  std::filesystem::path parent_path() const { return std::filesystem::path(m_path).parent_path(); }
  std::filesystem::path filename() const { return std::filesystem::path(m_path).filename(); }

  friend bool operator==(const FilePath& a, const FilePath& b) { return a.m_path == b.m_path; }
  friend bool operator==(const FilePath& a, const std::filesystem::path& b) { return a.m_path == b.native(); }
  friend bool operator==(const FilePath& a, const char* b) { return a.m_path == b; }
  friend std::ostream& operator<<(std::ostream& out, const FilePath& p) { return out << p.m_path; }

 private:
  std::string m_path;
};

/// The SQL of one `-- migrate:upgrade` / `-- migrate:downgrade` section.
struct SqlSection {
  std::string sql;     ///< the section's text, up to the next directive or end of file
  int first_line = 0;  ///< 1-based line in the file where `sql` starts (line after the directive)
};

/// A file's sections of one direction: the generic one under key "" and dialect sections
/// under "sqlite" / "postgresql". The subset of std::map's interface the code uses, over a
/// vector kept in key order: a file has one section per direction, rarely two or three, and
/// at 10,000 files a map node per section was a sixth of the loaded project's memory.
class SectionMap {
 public:
  using value_type = std::pair<std::string, SqlSection>;
  using iterator = std::vector<value_type>::iterator;
  using const_iterator = std::vector<value_type>::const_iterator;

  std::size_t size() const { return m_entries.size(); }
  bool empty() const { return m_entries.empty(); }
  iterator begin() { return m_entries.begin(); }
  iterator end() { return m_entries.end(); }
  const_iterator begin() const { return m_entries.begin(); }
  const_iterator end() const { return m_entries.end(); }

  iterator find(std::string_view key);
  const_iterator find(std::string_view key) const;
  std::size_t count(std::string_view key) const { return find(key) == end() ? 0 : 1; }
  /// Throws std::out_of_range when `key` has no section, as std::map::at.
  const SqlSection& at(std::string_view key) const;
  /// The section under `key`, added (empty) in key order when missing. Adding may move the
  /// other sections: references to them do not survive it.
  SqlSection& operator[](std::string_view key);

 private:
  std::vector<value_type> m_entries;  // sorted by key, keys unique
};

/// The sections of a file and whether their SQL is read yet. The keys and first lines are
/// always known; the SQL of a file whose header came from the header cache is read from
/// disk when first asked for (RevisionFile's section accessors), under a process-wide lock,
/// so a copy of a file whose bodies are being read waits for them. Until then such a file
/// keeps only where each section starts (`Shape`), not the maps: most runs never read most
/// files' SQL, and two maps per file were a sixth of a loaded project's memory.
class SectionStore {
 public:
  SectionStore() = default;
  SectionStore(const SectionStore& other);
  SectionStore& operator=(const SectionStore& other);
  SectionStore(SectionStore&&) noexcept = default;
  SectionStore& operator=(SectionStore&&) noexcept = default;

  struct Maps {
    SectionMap upgrade;
    SectionMap downgrade;
  };

 private:
  friend struct RevisionFile;
  /// First line of the generic, PostgreSQL and SQLite section of each direction (0: none).
  struct Shape {
    std::array<int, 3> upgrade{};
    std::array<int, 3> downgrade{};
  };
  /// The maps, made when first needed; a deferred file's, when its SQL is read.
  mutable std::unique_ptr<Maps> m_maps;
  Shape m_shape;                   ///< a deferred file's sections; never changes once set
  bool m_deferred = false;         ///< set once when built; never changes afterwards
  mutable bool m_pending = false;  ///< SQL not read yet; guarded by the process-wide lock
};

struct RevisionFile {
  FilePath path;
  int header_line = 0;  ///< line of `-- migrate:revision`
  bool transactional = true;  // (beside header_line: the two share one 8-byte slot)
  std::string id;
  std::vector<std::string> down_revisions;
  util::CompactList<std::string> branch_labels;
  util::CompactList<std::string> depends_on;
  std::string message;
  std::string create_date;
  /// PostgreSQL `lock_timeout` / `statement_timeout` for this revision, as declared: a
  /// string such as "5s" or "250ms" kept as written, or an integer number of milliseconds
  /// stored as "<n>ms". Validated to be digits with an optional unit ms, s, min, h or d.
  util::OptionalText lock_timeout;
  util::OptionalText statement_timeout;
  /// File line of header key `key` ("revision" → 3), or 0 when the header does not have it
  /// (or it is not a known key); for later messages (a label declared twice, a missing
  /// down_revision) that want to name the line.
  int line_of(std::string_view key) const;
  /// The keys a header may hold, in the order render_revision_file writes them. line_of()
  /// indexes key_lines by position in this list.
  static constexpr std::string_view k_keys[] = {"revision",     "down_revision", "branch_labels",
                                                "depends_on",   "message",       "create_date",
                                                "transactional", "lock_timeout",  "statement_timeout"};
  std::array<int, std::size(k_keys)> key_lines{};  ///< by position in k_keys; 0 = absent
  /// sha256 of the normalized file (BOM stripped, CRLF as LF).
  util::Sha256Digest checksum;

  /// The upgrade and downgrade sections. A file loaded from the header cache has not read
  /// its SQL yet: these read it first (and throw Error{script} when the file cannot be read,
  /// or no longer has the checksum it was loaded with: it changed while migrate was running).
  const SectionMap& upgrade_sections() const;
  const SectionMap& downgrade_sections() const;
  /// For building a file in code (tests, the writer): the sections to fill in.
  SectionMap& upgrade_sections();
  SectionMap& downgrade_sections();

  /// No downgrade section at all: a downgrade through this revision is refused. Known
  /// without reading any SQL.
  bool is_irreversible() const;
  /// The section that applies to `dialect`: its own if declared, else the generic one;
  /// nullptr when neither exists (an upgrade without SQL is a no-op). Reads the SQL first
  /// when it is not read yet, as the accessors above.
  const SqlSection* upgrade_for(Dialect dialect) const;
  const SqlSection* downgrade_for(Dialect dialect) const;
  /// True when dialect key `key` ("" = generic) has a section, without reading any SQL.
  bool has_upgrade_section(const std::string& key) const;
  bool has_downgrade_section(const std::string& key) const;

  /// Marks the sections filled in so far (keys and first lines, SQL empty) as not read yet:
  /// the accessors read them from `path` when first asked, checked against `checksum`. For
  /// the header cache, whose entries hold everything but the SQL. False (nothing changed)
  /// when a section's key is not a dialect's or its first line is not a line.
  bool defer_sections();
  /// True while the SQL of a deferred file has not been read (for tests and logging).
  bool sections_pending() const;

  /// The file's normalized text (normalized_file_text), only when it still has `checksum`:
  /// "" when it cannot be read or changed since it was loaded. The text a deferred file's
  /// sections were last read from is handed over without reading the file again (one slot
  /// for the whole process: a run reads a step's SQL, runs it, then stores this copy).
  std::string verified_text() const;

 private:
  void read_deferred_sections() const;
  /// The maps to fill in, made empty when there are none yet (not for a deferred file's
  /// unread SQL).
  SectionStore::Maps& maps();
  SectionStore m_sections;
};

/// A revision id: 1 to 32 characters of [A-Za-z0-9_] (docs/file-format.md; '-' would read as a
/// relative move, ':' as a range). The rule the parser applies to `revision`.
bool is_valid_revision_id(std::string_view id);

/// `base`, `head`, `heads` or `current` in any case: symbolic names of the graph, refused as
/// revision ids and as branch labels (a revision or label so named could not be told apart
/// from them; `downgrade base` would not reach it).
bool is_reserved_revision_name(std::string_view name);

/// Parses a file's content. Throws migrate::Error{script} naming "path:line" for: no
/// `-- migrate:revision` header, bad TOML, unknown keys, missing/invalid/reserved `revision`
/// (1–32 chars of [A-Za-z0-9_], not base/head/heads/current), wrong value types, a value
/// listed twice in down_revision/branch_labels/depends_on, an unknown dialect, a section
/// twice, and what script/file_checks.hpp refuses (UTF-16, CR-only line ends, control
/// characters, psql meta-commands, PRAGMA foreign_keys in a transactional revision).
RevisionFile parse_revision_file(FilePath path, std::string_view content);
/// A copy the journal stored of a file that already ran: parsed as above, but its SQL
/// sections are not held to the load-time SQL checks (psql meta-commands, PRAGMA
/// foreign_keys), which came after it may have run: it is history, not a file to run anew.
RevisionFile parse_stored_copy(FilePath path, std::string_view content);

/// The file as the parser and the checksum read it: a leading UTF-8 BOM stripped, CRLF as
/// LF (RevisionFile::checksum is the SHA-256 of this text).
std::string normalized_file_text(std::string_view raw);

/// Reads and parses one file (throws script when unreadable).
RevisionFile read_revision_file(FilePath path);

}  // namespace migrate::script
