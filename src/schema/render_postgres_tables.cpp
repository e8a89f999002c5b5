// PostgreSQL tables: columns, constraints, partitions, foreign keys, row-level security.
//
// A partition is created as a table of its own and attached afterwards (not with
// `PARTITION OF`): so every name it holds (its key's, its indexes') and its column order
// are the model's, not the ones the server would pick when creating it from its parent.
#include <algorithm>
#include <map>
#include <tuple>

#include "backend/sql_dialect.hpp"
#include "schema/render_internal.hpp"
#include "util/strings.hpp"

namespace migrate::schema::render_detail {
namespace {

}  // namespace

std::string pg_column(const Column& c) {
  std::string out = pg_ident(c.name) + " " + c.type;
  if (!c.collation.empty()) out += " COLLATE " + c.collation;
  if (c.generated) out += " GENERATED ALWAYS AS (" + *c.generated + ") STORED";
  if (c.default_expression) out += " DEFAULT " + *c.default_expression;
  if (!c.identity.empty()) out += " GENERATED " + util::to_upper(c.identity) + " AS IDENTITY";
  if (c.not_null) out += " NOT NULL";
  return out;
}

namespace {

std::string references_clause(const ForeignKey& fk) {
  std::string out = " REFERENCES " + pg_name(fk.parent);
  if (!fk.parent_columns.empty()) out += " " + column_list(fk.parent_columns, Dialect::postgresql);
  if (fk.match != "simple") out += " MATCH " + util::to_upper(fk.match);
  if (fk.on_update != "no action") out += " ON UPDATE " + util::to_upper(fk.on_update);
  if (fk.on_delete != "no action") out += " ON DELETE " + util::to_upper(fk.on_delete);
  return out;
}

}  // namespace

std::string pg_constraint_clause(const Constraint& c) {
  std::string out = c.name.empty() ? "" : "CONSTRAINT " + pg_ident(c.name) + " ";
  switch (c.kind) {
    case ConstraintKind::primary_key:
      return out + "PRIMARY KEY " + column_list(c.columns, Dialect::postgresql) + deferrable_clause(c);
    case ConstraintKind::unique:
      return out + "UNIQUE " + column_list(c.columns, Dialect::postgresql) + deferrable_clause(c);
    case ConstraintKind::check: return out + "CHECK (" + c.expression + ")";
    // pg_get_constraintdef's text, DEFERRABLE included.
    case ConstraintKind::exclusion: return out + c.expression;
    case ConstraintKind::foreign_key:
      return out + "FOREIGN KEY " + column_list(c.columns, Dialect::postgresql) + references_clause(*c.foreign_key) +
             deferrable_clause(c);
  }
  return out;
}

namespace {

/// A constraint that cannot be written inside CREATE TABLE: foreign keys (added after every
/// table) and NOT VALID checks (only ALTER TABLE ... ADD can leave a check unvalidated).
bool added_later(const Constraint& c) {
  return c.kind == ConstraintKind::foreign_key || (c.kind == ConstraintKind::check && c.not_valid);
}

}  // namespace

std::string pg_add_constraint(const Table& t, const Constraint& c) {
  return "ALTER TABLE " + pg_name(t.name) + "\n    ADD " + pg_constraint_clause(c) + (c.not_valid ? " NOT VALID" : "") +
         ";\n" + pg_comment("CONSTRAINT " + pg_ident(c.name) + " ON " + pg_name(t.name), c.comment);
}

namespace {

std::string table_comments(const Table& t) {
  std::string out = pg_comment("TABLE " + pg_name(t.name), t.comment);
  for (const auto& c : t.columns) out += pg_comment("COLUMN " + pg_name(t.name) + "." + pg_ident(c.name), c.comment);
  for (const auto& c : t.constraints)
    if (!added_later(c)) out += pg_comment("CONSTRAINT " + pg_ident(c.name) + " ON " + pg_name(t.name), c.comment);
  return out;
}

}  // namespace

std::string pg_table(const Table& t) {
  std::vector<std::string> elements;
  for (const auto& c : t.columns) elements.push_back(pg_column(c));
  for (const auto& c : t.constraints)
    if (!added_later(c)) elements.push_back(pg_constraint_clause(c));
  std::string out = std::string("CREATE ") + (t.unlogged ? "UNLOGGED " : "") + "TABLE " + pg_name(t.name);
  out += elements.empty() ? " ()" : " (\n    " + util::join(elements, ",\n    ") + "\n)";
  if (!t.partition_key.empty()) out += " PARTITION BY " + t.partition_key;
  out += ";\n";
  for (const auto& c : t.constraints)
    if (c.kind == ConstraintKind::check && c.not_valid) out += pg_add_constraint(t, c);
  return out + table_comments(t);
}

std::map<std::pair<std::string, std::string>, int> pg_partition_depths(const Schema& schema) {
  std::map<std::pair<std::string, std::string>, const Table*> by_name;
  for (const auto& t : schema.tables) by_name.emplace(std::make_pair(t.name.schema, t.name.name), &t);
  std::map<std::pair<std::string, std::string>, int> depths;
  for (const auto& t : schema.tables) {
    int depth = 0;
    const Table* current = &t;
    // Bounded by the number of tables: a cycle cannot make it loop.
    while (current->partition_of && depth <= static_cast<int>(schema.tables.size())) {
      auto parent = by_name.find({current->partition_of->schema, current->partition_of->name});
      ++depth;
      if (parent == by_name.end()) break;
      current = parent->second;
    }
    depths[{t.name.schema, t.name.name}] = depth;
  }
  return depths;
}

void pg_partitions(const Schema& schema, Blocks& out) {
  for (const auto& t : schema.tables)
    if (t.partition_of)
      out.add("ALTER TABLE " + pg_name(*t.partition_of) + " ATTACH PARTITION " + pg_name(t.name) + " " +
              t.partition_bound + ";\n");
}

void pg_foreign_keys(const Schema& schema, Blocks& out) {
  // A partition's key comes before its parent's, so that the parent's adopts it instead of
  // creating another one of the same name.
  std::vector<std::tuple<int, std::size_t, std::size_t>> keys;
  const auto depths = pg_partition_depths(schema);
  for (std::size_t t = 0; t < schema.tables.size(); ++t) {
    int depth = depths.at({schema.tables[t].name.schema, schema.tables[t].name.name});
    for (std::size_t c = 0; c < schema.tables[t].constraints.size(); ++c)
      if (schema.tables[t].constraints[c].kind == ConstraintKind::foreign_key) keys.emplace_back(-depth, t, c);
  }
  std::sort(keys.begin(), keys.end());
  for (const auto& [depth, t, c] : keys) out.add(pg_add_constraint(schema.tables[t], schema.tables[t].constraints[c]));
}

std::string pg_policy(const Table& t, const Policy& p) {
  std::vector<std::string> roles;
  for (const auto& r : p.roles) roles.push_back(r == "public" ? "PUBLIC" : pg_ident(r));
  std::string out = "CREATE POLICY " + pg_ident(p.name) + " ON " + pg_name(t.name);
  out += p.permissive ? "" : " AS RESTRICTIVE";
  out += " FOR " + util::to_upper(p.command);
  if (!roles.empty()) out += " TO " + util::join(roles, ", ");
  if (!p.using_expression.empty()) out += "\n    USING (" + p.using_expression + ")";
  if (!p.check_expression.empty()) out += "\n    WITH CHECK (" + p.check_expression + ")";
  return out + ";\n";
}

void pg_row_security(const Schema& schema, Blocks& out) {
  for (const auto& t : schema.tables) {
    std::string block;
    if (t.row_security) block += "ALTER TABLE " + pg_name(t.name) + " ENABLE ROW LEVEL SECURITY;\n";
    if (t.force_row_security) block += "ALTER TABLE " + pg_name(t.name) + " FORCE ROW LEVEL SECURITY;\n";
    for (const auto& p : t.policies) block += pg_policy(t, p);
    out.add(block);
  }
}

}  // namespace migrate::schema::render_detail
