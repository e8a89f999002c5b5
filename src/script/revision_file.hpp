#pragma once
/// One parsed revision file (CONTRACT.md §2).

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/dialect.hpp"

namespace migrate::script {

/// The SQL of one `-- migrate:upgrade` / `-- migrate:downgrade` section.
struct SqlSection {
  std::string sql;     ///< the section's text, up to the next directive or end of file
  int first_line = 0;  ///< 1-based line in the file where `sql` starts (line after the directive)
};

struct RevisionFile {
  std::filesystem::path path;
  int header_line = 0;  ///< line of `-- migrate:revision`
  std::string id;
  std::vector<std::string> down_revisions;
  std::vector<std::string> branch_labels;
  std::vector<std::string> depends_on;
  std::string message;
  std::string create_date;
  bool transactional = true;
  /// Generic section under key nullopt-equivalent "" and dialect sections under
  /// "sqlite" / "postgresql".
  std::map<std::string, SqlSection> upgrade;
  std::map<std::string, SqlSection> downgrade;
  /// sha256 hex of the normalized file (BOM stripped, CRLF as LF).
  std::string checksum;

  /// No downgrade section at all: a downgrade through this revision is refused.
  bool is_irreversible() const { return downgrade.empty(); }
  /// The section that applies to `dialect`: its own if declared, else the generic one;
  /// nullptr when neither exists (an upgrade without SQL is a no-op).
  const SqlSection* upgrade_for(Dialect dialect) const;
  const SqlSection* downgrade_for(Dialect dialect) const;
};

/// Parses a file's content. Throws migrate::Error{script} naming "path:line" for: no
/// `-- migrate:revision` header, bad TOML, unknown keys, missing/invalid `revision`
/// (1–32 chars of [A-Za-z0-9_]), wrong value types, an unknown dialect, a section twice.
RevisionFile parse_revision_file(const std::filesystem::path& path, std::string_view content);

/// Reads and parses one file (throws script when unreadable).
RevisionFile read_revision_file(const std::filesystem::path& path);

}  // namespace migrate::script
