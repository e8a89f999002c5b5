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
};

/// Slug per Alembic §9: word-character runs of the message joined by '_', lower-cased,
/// cut to `truncate_length` at the last '_' and then '_' appended when longer.
std::string slugify(std::string_view message, int truncate_length);

/// Expands `file_template` tokens {rev} {slug} {year} {month} {day} {hour} {minute}
/// {second} {epoch} (two-digit zero padding for month..second) in `timezone` ("UTC" or
/// "local"; others: config error), and appends ".sql".
std::string render_file_name(const std::string& file_template, const NewRevision& rev,
                             int truncate_slug_length, const std::string& timezone);

/// `create_date` text "YYYY-MM-DD HH:MM:SS.ffffff" in `timezone`.
std::string format_create_date(std::chrono::system_clock::time_point t, const std::string& timezone);

/// Renders the file content (header + empty upgrade/downgrade sections).
std::string render_revision_file(const NewRevision& rev, const std::string& timezone);

/// Writes atomically (temp file + rename) into `dir` (created if missing); refuses to
/// overwrite. Returns the path written.
std::filesystem::path write_revision_file(const std::filesystem::path& dir, const std::string& file_name,
                                          const std::string& content);

/// A new random revision id: 12 lowercase hex characters (Alembic's uuid4 tail).
std::string generate_revision_id();

}  // namespace migrate::script
