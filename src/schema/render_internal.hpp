#pragma once
/// Internals of the SQL renderer (render.hpp), shared by its per-dialect files. Not part of
/// any other module's interface.

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "schema/model.hpp"

namespace migrate::schema::render_detail {

/// A SQLite name as printed: sql::quote_sqlite_name, the rule the normalizer follows too.
std::string sqlite_name(std::string_view name);

/// The identifiers `text` mentions, as the dialect resolves them: quotes removed; bare words
/// folded to lower case on PostgreSQL (as the server folds them), every name folded on
/// SQLite (which compares names without ASCII case). Strings and comments are not read.
std::set<std::string> identifiers_in(std::string_view text, Dialect dialect);

/// A name folded as identifiers_in folds the identifiers it finds.
std::string folded(const std::string& name, Dialect dialect);

/// An order of nodes 0..n-1 where every node comes after the nodes it depends on
/// (`depends_on[i]`); among the nodes ready, the lowest index first, and a cycle is broken
/// by taking the lowest index left. Deterministic for the same input.
std::vector<std::size_t> dependency_order(const std::vector<std::set<std::size_t>>& depends_on);

/// The views in dependency order for SQLite, whose catalog records no dependencies: a view
/// after every other view whose name appears as an identifier in its definition.
/// (PostgreSQL orders by the dependencies its catalog records: View::depends_on.)
std::vector<const View*> ordered_views(const std::vector<View>& views, Dialect dialect);

/// Statements that build one object (each ending with ";\n"), joined into the output with a
/// blank line between objects.
class Blocks {
 public:
  void add(std::string block) {
    if (!block.empty()) m_blocks.push_back(std::move(block));
  }
  std::string join(const std::string& header) const;

 private:
  std::vector<std::string> m_blocks;
};

/// `(a, b)`: the names quoted as the dialect quotes them (sqlite_name, pg_ident).
std::string column_list(const std::vector<std::string>& columns, Dialect dialect);

/// ` DEFERRABLE` / ` INITIALLY DEFERRED` as the constraint has them, else "".
std::string deferrable_clause(const Constraint& c);

/// Text without trailing whitespace and without one trailing ';' (catalog texts such as
/// pg_get_viewdef end with one), so that the renderer adds exactly one.
std::string without_terminator(std::string_view text);

std::string render_postgres(const Schema& schema);
std::string render_sqlite(const Schema& schema);

// SQLite pieces (render_sqlite.cpp).

/// `CREATE TABLE` with every constraint inline, named `name` when given (a rebuild's copy).
std::string sqlite_table(const Table& t, const std::string& name = "");
/// A column definition; `inline_key` is the AUTOINCREMENT primary key written on its column.
std::string sqlite_column(const Column& c, const Constraint* inline_key = nullptr);
std::string sqlite_index(const Index& i);
/// A foreign key's `REFERENCES parent (columns) ON ... MATCH ... DEFERRABLE` clause.
std::string sqlite_references(const Constraint& c);
std::string sqlite_view(const View& v);

}  // namespace migrate::schema::render_detail

namespace migrate::schema::render_detail {

// PostgreSQL pieces (render_postgres*.cpp).

/// A qualified PostgreSQL name / one identifier, quoted where needed.
std::string pg_name(const Name& name);
std::string pg_ident(const std::string& ident);
/// `COMMENT ON <what> IS '...';` or "" when `comment` is empty.
std::string pg_comment(const std::string& what, const std::string& comment);
/// `CREATE TABLE` with its columns and every constraint but foreign keys, the NOT VALID
/// checks added after it, and the comments of the table, its columns and those constraints.
std::string pg_table(const Table& table);
/// `ALTER TABLE ... ADD CONSTRAINT` for every foreign key, partitions' before their parents'.
void pg_foreign_keys(const Schema& schema, Blocks& out);
/// `ALTER TABLE parent ATTACH PARTITION ...` for every partition.
void pg_partitions(const Schema& schema, Blocks& out);
/// Row-level security switches and policies of every table.
void pg_row_security(const Schema& schema, Blocks& out);
/// One object's statements, its comments included (as render_sql writes them).
std::string pg_type(const Type& t);
std::string pg_function(const Function& f);
std::string pg_sequence(const Sequence& q);
std::string pg_index(const Index& i);
std::string pg_view(const View& v);
std::string pg_trigger(const Trigger& t);
std::string pg_extension(const Extension& e);
/// `ALTER SEQUENCE ... OWNED BY ...;` or "" for a sequence no column owns.
std::string pg_sequence_owner(const Sequence& q);
/// A column as CREATE TABLE and ADD COLUMN write it: name, type, collation, generation,
/// default, identity, NOT NULL.
std::string pg_column(const Column& c);
/// The constraint as a table element (`CONSTRAINT name ...`), without NOT VALID.
std::string pg_constraint_clause(const Constraint& c);
/// `ALTER TABLE ... ADD CONSTRAINT ...` (NOT VALID as the model has it) and its comment.
std::string pg_add_constraint(const Table& t, const Constraint& c);
/// `CREATE POLICY ...;`.
std::string pg_policy(const Table& t, const Policy& p);

/// A type, function, table or view of a schema, by its place in its list.
struct ObjectRef {
  enum class Kind { type, function, table, view };
  Kind kind;
  std::size_t index;
};
/// The types, functions, tables and views of `s` as one graph in dependency order (the
/// catalog's dependencies, and for types the types their text names), else in that order.
std::vector<ObjectRef> pg_object_order(const Schema& s);
/// The statements creating that object (pg_type, pg_function, pg_table or pg_view).
std::string pg_object(const Schema& s, const ObjectRef& ref);

/// How deep each table is in a partition tree (0 = not a partition), by (schema, name),
/// computed in one pass.
std::map<std::pair<std::string, std::string>, int> pg_partition_depths(const Schema& schema);

}  // namespace migrate::schema::render_detail
