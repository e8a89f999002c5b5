#pragma once
/// Keyword lists the schema code needs to print SQL that reads back the same: a word in
/// them is upper-cased when normalized and quoted when it is a name.

#include <string_view>

namespace migrate::sql {

/// One of SQLite's keywords (its documented list of 147), ignoring ASCII case. SQLite
/// accepts many of them as names through its fallback rule, but a name printed bare
/// must not depend on that rule, so printers quote all of them.
bool is_sqlite_keyword(std::string_view word);

}  // namespace migrate::sql
