#pragma once
/// The normal form of SQLite SQL text in the schema model: two spellings of one expression
/// (keyword case, blanks, comments, needless quotes) give the same text, so models read from
/// differently written schemas compare equal, and the normal form always means what the
/// original meant. Pure; reads SQL through sql::Lexer.

#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace migrate::sql {

/// The column names in scope of an expression, compared without ASCII case (as SQLite
/// compares names). SQLite reads a double-quoted word in an expression as a column when a
/// column of that name is in scope and as a string literal otherwise (its "double-quoted
/// string" rule, on by default in DDL): `CHECK (s IN ("a"))` compares with the string 'a'
/// unless the table has a column `a`. Only the caller knows the scope.
class SqliteNames {
 public:
  SqliteNames() = default;
  SqliteNames(std::initializer_list<std::string_view> names) {
    for (auto name : names) add(name);
  }
  void add(std::string_view name);
  bool contains(std::string_view name) const;

 private:
  std::set<std::string> m_lower;
};

/// `text` (an expression, a SELECT or a whole statement) re-emitted token by token:
/// keywords (is_sqlite_keyword) upper case; other words as written; strings, numbers, blobs
/// and parameters as written; comments dropped. A quoted identifier is printed as
/// quote_sqlite_name prints it (bare only when a plain ASCII name and no keyword) when it
/// surely is a name: it is one of `columns`, or it stands where SQLite reads only a name
/// (next to a `.`; after AS, COLLATE, FROM, JOIN, INTO, UPDATE or TRIGGER; the table of a
/// trigger's `ON`), or it is written `[x]` or `` `x` `` and prints bare. Any other quoted
/// identifier keeps its quotes as written: a `"x"` that may be a string literal never
/// becomes the name `x`. One space between tokens, except none after `(` and `.`, none
/// before `)`, `,` and `.`, and none before a `(` that follows a word that is no keyword
/// (a function call). A run of operator characters is split into SQLite's operators
/// (`=-1` reads as `= - 1`), so blanks between operators do not change the text.
std::string normalize_sqlite_expression(std::string_view text, const SqliteNames& columns);

/// The tables and views a SELECT or trigger body reads or updates, as written (quotes
/// removed, schema dropped): each name after FROM (and the `,` of a FROM list), JOIN and
/// UPDATE. Their columns are the names in scope of the text's expressions; the target of
/// INSERT INTO is not among them (the expressions of its VALUES see none of its columns).
std::vector<std::string> sqlite_relations_read(std::string_view text);

/// A declared column type in normal form: words upper case, one space between words, no
/// blanks before or inside parentheses (`varchar( 40 )` -> `VARCHAR(40)`, `decimal (10, 2)`
/// -> `DECIMAL(10,2)`); "" for no type.
std::string normalize_sqlite_type(std::string_view declared);

}  // namespace migrate::sql
