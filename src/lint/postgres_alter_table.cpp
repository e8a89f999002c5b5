// ALTER TABLE's facts from libpg_query's parse tree: one TableAction per subcommand, the
// columns it adds and drops, and whether it takes an ACCESS EXCLUSIVE lock.
#include <algorithm>
#include <array>

#include "lint/postgres_tree.hpp"

namespace migrate::lint::pg {

namespace {

using Action = TableAction::Kind;
using Constraint = TableAction::Constraint;

Constraint constraint_kind(std::string_view contype) {
  if (contype == "CONSTR_PRIMARY") return Constraint::primary_key;
  if (contype == "CONSTR_UNIQUE") return Constraint::unique;
  if (contype == "CONSTR_FOREIGN") return Constraint::foreign_key;
  if (contype == "CONSTR_CHECK") return Constraint::check;
  if (contype == "CONSTR_EXCLUSION") return Constraint::exclusion;
  if (contype == "CONSTR_NOTNULL") return Constraint::not_null;
  return Constraint::none;
}

// Which of a column's inline constraints the action reports when it has several: the one
// whose checking costs the most on a table with rows.
int weight(Constraint constraint) {
  switch (constraint) {
    case Constraint::primary_key: return 5;
    case Constraint::unique: return 4;
    case Constraint::exclusion: return 3;
    case Constraint::foreign_key: return 2;
    case Constraint::check: return 1;
    default: return 0;
  }
}

// A Constraint node's name, NOT VALID, USING INDEX and referenced table, into `action`.
void take_constraint(const Node& constraint, TableAction& action) {
  action.constraint = constraint_kind(text(constraint, "contype"));
  action.constraint_name = text(constraint, "conname");
  action.not_valid = flag(constraint, "skip_validation");
  action.using_index = !text(constraint, "indexname").empty();
  action.references = relation_name(field(constraint, "pktable"));
}

// serial, bigserial, smallserial (and their serial4/8/2 spellings): a sequence and a
// nextval() default, so a value per row.
bool is_serial_type(const Node& type_name) {
  static constexpr std::array<std::string_view, 6> serials = {"serial",  "serial4",     "bigserial",
                                                              "serial8", "smallserial", "serial2"};
  const auto& names = field(type_name, "names");
  if (!names.is_array() || names.size() != 1) return false;
  const auto name = text(node_fields(names.front()), "sval");
  return std::find(serials.begin(), serials.end(), name) != serials.end();
}

void take_column_constraint(const Node& constraint, TableAction& action) {
  const auto contype = text(constraint, "contype");
  if (contype == "CONSTR_NOTNULL") {
    action.not_null = true;
  } else if (contype == "CONSTR_DEFAULT") {
    action.has_default = true;
    action.volatile_default = action.volatile_default || is_volatile(field(constraint, "raw_expr"));
  } else if (contype == "CONSTR_GENERATED" || contype == "CONSTR_IDENTITY") {
    // A stored generated column or an identity column gets a computed value in every row.
    action.has_default = action.volatile_default = true;
    if (contype == "CONSTR_IDENTITY") action.not_null = true;
  } else if (weight(constraint_kind(contype)) > weight(action.constraint)) {
    take_constraint(constraint, action);
    if (action.constraint == Constraint::primary_key) action.not_null = true;
  }
}

TableAction add_column(const Node& column_def) {
  TableAction action{.kind = Action::add_column, .column = text(column_def, "colname")};
  if (is_serial_type(field(column_def, "typeName"))) action.has_default = action.volatile_default = true;
  const auto& constraints = field(column_def, "constraints");
  if (constraints.is_array())
    for (const auto& constraint : constraints) take_column_constraint(node_fields(constraint), action);
  return action;
}

TableAction add_constraint(const Node& constraint) {
  TableAction action{.kind = Action::add_constraint};
  take_constraint(constraint, action);
  return action;
}

TableAction table_action(const Node& command) {
  const auto subtype = text(command, "subtype");
  const auto name = text(command, "name");
  const auto& definition = field(command, "def");
  if (subtype == "AT_AddColumn") return add_column(node_fields(definition));
  if (subtype == "AT_AddConstraint") return add_constraint(node_fields(definition));
  if (subtype == "AT_DropColumn") return {.kind = Action::drop_column, .column = name};
  if (subtype == "AT_AlterColumnType") return {.kind = Action::alter_column_type, .column = name};
  if (subtype == "AT_SetNotNull") return {.kind = Action::set_not_null, .column = name};
  if (subtype == "AT_DropNotNull") return {.kind = Action::drop_not_null, .column = name};
  if (subtype == "AT_ColumnDefault")
    return {.kind = definition.is_null() ? Action::drop_default : Action::set_default, .column = name};
  if (subtype == "AT_DropConstraint") return {.kind = Action::drop_constraint, .constraint_name = name};
  if (subtype == "AT_ValidateConstraint") return {.kind = Action::validate_constraint, .constraint_name = name};
  return {.kind = Action::other, .column = name};
}

// The subcommands that take a lock weaker than ACCESS EXCLUSIVE (PostgreSQL's own table of
// ALTER TABLE lock levels): reads go on during them.
bool takes_access_exclusive(const Node& command, const TableAction& action) {
  static constexpr std::array<std::string_view, 13> weaker = {
      "AT_ValidateConstraint", "AT_SetStatistics",  "AT_SetOptions",      "AT_ResetOptions", "AT_ClusterOn",
      "AT_DropCluster",        "AT_SetRelOptions",  "AT_ResetRelOptions", "AT_EnableTrig",   "AT_DisableTrig",
      "AT_EnableTrigAll",      "AT_DisableTrigAll", "AT_AttachPartition"};
  if (action.kind == Action::add_constraint && action.constraint == Constraint::foreign_key) return false;
  const auto subtype = text(command, "subtype");
  return std::find(weaker.begin(), weaker.end(), subtype) == weaker.end();
}

}  // namespace

void alter_table_facts(const Node& stmt, StatementFacts& facts) {
  facts.kind = StatementFacts::Kind::alter_table;
  facts.table = relation_name(field(stmt, "relation"));
  facts.if_exists = flag(stmt, "missing_ok");
  bool exclusive = false;
  const auto& commands = field(stmt, "cmds");
  if (!commands.is_array()) return;
  for (const auto& wrapped : commands) {
    const auto& command = node_fields(wrapped);
    auto action = table_action(command);
    exclusive = exclusive || takes_access_exclusive(command, action);
    const ObjectRef column{.kind = ObjectRef::Kind::column, .name = action.column, .table = facts.table};
    if (action.kind == Action::add_column) facts.creates.push_back(column);
    if (action.kind == Action::drop_column) facts.drops.push_back(column);
    facts.actions.push_back(std::move(action));
  }
  if (exclusive) facts.access_exclusive.push_back(facts.table);
}

void rename_facts(const Node& stmt, StatementFacts& facts) {
  const auto rename_type = text(stmt, "renameType");
  const auto table = relation_name(field(stmt, "relation"));
  const auto old_name = text(stmt, "subname");
  const auto new_name = text(stmt, "newname");
  const bool of_table = text(stmt, "relationType") == "OBJECT_TABLE";
  if (rename_type == "OBJECT_TABLE") {
    facts.kind = StatementFacts::Kind::rename_table;
    facts.new_name = in_schema_of(table, new_name);
  } else if (rename_type == "OBJECT_COLUMN" && of_table) {
    facts.kind = StatementFacts::Kind::alter_table;
    facts.actions.push_back({.kind = Action::rename_column, .column = old_name, .new_name = new_name});
  } else if (rename_type == "OBJECT_TABCONSTRAINT") {
    facts.kind = StatementFacts::Kind::alter_table;
    facts.actions.push_back({.kind = Action::rename_constraint, .new_name = new_name, .constraint_name = old_name});
  } else {
    return;  // another object renamed (index, view, ...): other_ddl
  }
  facts.table = table;
  facts.if_exists = flag(stmt, "missing_ok");
  facts.access_exclusive.push_back(table);
}

}  // namespace migrate::lint::pg
