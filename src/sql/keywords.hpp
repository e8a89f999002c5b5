#pragma once
/// Keyword lists the schema code needs to print SQL that reads back the same: a word in
/// them is upper-cased when normalized and quoted when it is a name.

#include <string>
#include <string_view>

namespace migrate::sql {

/// One of SQLite's keywords (its documented list of 147), ignoring ASCII case. SQLite
/// accepts many of them as names through its fallback rule, but a name printed bare
/// must not depend on that rule, so printers quote all of them.
bool is_sqlite_keyword(std::string_view word);

/// A SQLite name as printed, the one rule for the renderer and the normalizer: bare when it
/// is a plain ASCII identifier `[A-Za-z_][A-Za-z0-9_]*` and no keyword, else `"..."` with
/// `"` doubled. Names SQLite would also accept bare (non-ASCII letters, `$`) are quoted, so
/// the printed text never depends on how a reader treats them.
std::string quote_sqlite_name(std::string_view name);

}  // namespace migrate::sql
