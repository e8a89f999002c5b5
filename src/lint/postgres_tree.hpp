#pragma once
/// Reading libpg_query's JSON parse tree: private to the lint/postgres_*.cpp files, the only
/// ones that see the PostgreSQL parser's output. The tree mirrors the server's parse nodes:
/// a node is an object {"NodeType": {fields}}, and a field holding its type's default value
/// (false, 0, "", an empty list) is left out.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "lint/facts.hpp"

namespace migrate::lint::pg {

using Node = nlohmann::json;

/// `node[key]`, or a null node when `node` is not an object or has no such field.
const Node& field(const Node& node, std::string_view key);
/// A string field ("" when absent), a boolean field (false when absent).
std::string text(const Node& node, std::string_view key);
bool flag(const Node& node, std::string_view key);

/// The type of a wrapped node {"Type": {...}} ("" for anything else) and its fields.
std::string_view node_type(const Node& node);
const Node& node_fields(const Node& node);

/// "schema.name" (or "name") of a RangeVar's fields.
std::string relation_name(const Node& range_var);
/// The dotted name a list of String nodes spells ("s.f").
std::string dotted_name(const Node& strings);
/// "schema.name" for `name` in `relation`'s schema: an index lives in its table's schema.
std::string in_schema_of(std::string_view relation, std::string_view name);

/// ALTER TABLE (AlterTableStmt on a table) and ALTER TABLE ... RENAME (RenameStmt): fills
/// kind, table, actions, creates/drops (columns), access_exclusive.
void alter_table_facts(const Node& stmt, StatementFacts& facts);
void rename_facts(const Node& stmt, StatementFacts& facts);

/// Whether a column default (or generated expression) must be computed row by row, so that
/// adding the column rewrites the table: it calls a function other than the stable
/// timestamp ones (now(), current_timestamp, ...) and a few immutable ones.
bool is_volatile(const Node& expression);

}  // namespace migrate::lint::pg
