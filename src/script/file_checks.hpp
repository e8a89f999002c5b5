#pragma once
/// Load-time checks on a revision file beyond its grammar (docs/file-format.md, "What a file
/// must not hold"): the bytes before parsing, and the SQL sections after. Each names the
/// real cause of a problem the parser or the database would otherwise report confusingly,
/// or not at all, and throws Error{script} "path:line: ..." with a hint.

#include <filesystem>
#include <string_view>

#include "script/revision_file.hpp"

namespace migrate::script {

/// The raw bytes of a file, before the parser sees them: refuses UTF-16 (with or without a
/// byte-order mark), two leading UTF-8 byte-order marks, and CR-only line endings, each of
/// which would otherwise read as a header error.
void check_encoding(const FilePath& path, std::string_view raw);

/// The normalized text (see normalized_file_text): refuses a control character other than
/// TAB, LF, CR and FF, naming line and column. NUL in particular makes SQLite stop reading
/// the statement and PostgreSQL report an unterminated quote.
void check_control_characters(const FilePath& path, std::string_view text);

/// The parsed sections: refuses a psql meta-command (`\connect`, `\restrict`, ...) at the
/// start of a statement in any section, and `PRAGMA foreign_keys` in a transactional
/// revision's SQL that SQLite runs (its own sections, or the generic ones it falls back to).
void check_sections(const RevisionFile& file);

}  // namespace migrate::script
