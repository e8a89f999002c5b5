#pragma once
/// Creates new revision files (`revision`, `merge`), from templates/revision.sql.tmpl.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace migrate::script {

struct NewRevision {
  std::string id;
  std::vector<std::string> down_revisions;
  std::vector<std::string> branch_labels;
  std::vector<std::string> depends_on;
  std::string message;
  std::chrono::system_clock::time_point created;
  /// The sections' SQL (`baseline`, `revision --autogenerate`); "" leaves a section empty.
  std::string upgrade_sql;
  std::string downgrade_sql;
};

/// Slug per Alembic: word-character runs of the message joined by '_', lower-cased
/// (ASCII), and when longer than `truncate_length` code points (<= 0 means 40): cut to it,
/// cut back to the last '_', and '_' appended (`this_is_a_really_long_name_with_lots_of_`).
/// Non-ASCII characters count as word characters. An empty message gives "".
std::string slugify(std::string_view message, int truncate_length);

/// Expands `file_template` tokens {rev} {slug} {year} {month} {day} {hour} {minute}
/// {second} {epoch} (two-digit zero padding for month..second; epoch = Unix seconds) for
/// `rev.created` in `timezone`, and appends ".sql". The template may hold '/' (sub-folders).
/// `timezone` is "UTC", "local" (both case-insensitive) or an IANA name found under
/// $TZDIR or /usr/share/zoneinfo, tried as given then upper-cased; anything else is
/// Error{config} "Can't locate timezone: X". An unknown {token} is Error{config}.
std::string render_file_name(const std::string& file_template, const NewRevision& rev,
                             int truncate_slug_length, const std::string& timezone);

/// `create_date` text "YYYY-MM-DD HH:MM:SS.ffffff" in `timezone` (rules as above).
std::string format_create_date(std::chrono::system_clock::time_point t, const std::string& timezone);

/// Renders the file content from templates/revision.sql.tmpl: the header (docs/file-format.md:
/// revision; down_revision as a string, "" for a base or an array for a merge;
/// branch_labels and depends_on as arrays, only when non-empty; message, "empty message"
/// when empty, as Alembic writes; create_date), a blank line, the `-- migrate:upgrade`
/// section and the `-- migrate:downgrade` section, each empty or holding rev's SQL. Values are
/// TOML basic strings, escaped as needed. Throws like format_create_date, and Error{usage}
/// for an id or label that is a reserved name (is_reserved_revision_name).
std::string render_revision_file(const NewRevision& rev, const std::string& timezone);

/// Writes `dir`/`file_name` atomically (temp file + rename); `dir` and any folder in
/// `file_name` are created if missing. Refuses to overwrite: an existing file is
/// Error{usage} "File <path> already exists". Returns the absolute path written.
std::filesystem::path write_revision_file(const std::filesystem::path& dir, const std::string& file_name,
                                          const std::string& content);

/// A new random revision id: 12 lowercase hex characters (Alembic's uuid4 tail), from
/// std::random_device.
std::string generate_revision_id();

}  // namespace migrate::script
