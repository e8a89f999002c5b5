// The PostgreSQL statement facts, from libpg_query's parse tree (the server's own grammar).
// Each statement is parsed on its own (pg_query_parse, JSON tree); what the parser refuses
// is Kind::unparsed. ALTER TABLE and the tree helpers are in postgres_alter_table.cpp and
// postgres_tree.cpp; these three files are the only ones that see the parser.
#include <pg_query.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include "lint/postgres_tree.hpp"
#include "sql/statements.hpp"
#include "util/strings.hpp"

namespace migrate::lint {

namespace {

using pg::field;
using pg::flag;
using pg::Node;
using pg::node_fields;
using pg::relation_name;
using pg::text;
using Kind = StatementFacts::Kind;
using Object = ObjectRef::Kind;

// Calls `each` with every element of a list field (nothing when absent).
template <typename Each>
void for_each_item(const Node& list, Each each) {
  if (list.is_array())
    for (const auto& item : list) each(item);
}

// The name of one object of a DropStmt: a list of String nodes (tables, views, triggers, ...),
// a TypeName (types, domains), an ObjectWithArgs (functions, procedures) or a String (schemas,
// extensions). Functions are named without their argument types.
std::string dropped_name(const Node& object) {
  const auto type = pg::node_type(object);
  const auto& fields = node_fields(object);
  if (type == "List") return pg::dotted_name(field(fields, "items"));
  if (type == "TypeName") return pg::dotted_name(field(fields, "names"));
  if (type == "ObjectWithArgs") return pg::dotted_name(field(fields, "objname"));
  if (type == "String") return text(fields, "sval");
  return {};
}

// Triggers, rules and policies are named [schema.]table.name.
std::pair<std::string, std::string> table_and_name(const std::string& dotted) {
  const auto dot = dotted.rfind('.');
  if (dot == std::string::npos) return {std::string(), dotted};
  return {dotted.substr(0, dot), dotted.substr(dot + 1)};
}

std::optional<Object> dropped_kind(std::string_view remove_type) {
  static const std::map<std::string_view, Object> kinds = {
      {"OBJECT_TABLE", Object::table},         {"OBJECT_INDEX", Object::index},
      {"OBJECT_VIEW", Object::view},           {"OBJECT_MATVIEW", Object::materialized_view},
      {"OBJECT_SEQUENCE", Object::sequence},   {"OBJECT_TYPE", Object::type},
      {"OBJECT_DOMAIN", Object::domain},       {"OBJECT_FUNCTION", Object::function},
      {"OBJECT_PROCEDURE", Object::procedure}, {"OBJECT_TRIGGER", Object::trigger},
      {"OBJECT_SCHEMA", Object::schema},       {"OBJECT_EXTENSION", Object::extension}};
  const auto found = kinds.find(remove_type);
  if (found == kinds.end()) return std::nullopt;
  return found->second;
}

void drop_facts(const Node& stmt, StatementFacts& facts) {
  const auto remove_type = text(stmt, "removeType");
  const auto kind = dropped_kind(remove_type);
  const bool on_table =
      remove_type == "OBJECT_TRIGGER" || remove_type == "OBJECT_RULE" || remove_type == "OBJECT_POLICY";
  facts.if_exists = flag(stmt, "missing_ok");
  facts.concurrently = flag(stmt, "concurrent");
  for_each_item(field(stmt, "objects"), [&](const Node& object) {
    const auto name = dropped_name(object);
    if (on_table) {
      auto [table, own_name] = table_and_name(name);
      if (!table.empty()) facts.access_exclusive.push_back(table);  // DROP TRIGGER / RULE / POLICY lock it
      if (kind) facts.drops.push_back({.kind = *kind, .name = own_name, .table = table});
    } else if (kind) {
      facts.drops.push_back({.kind = *kind, .name = name});
    }
  });
  if (remove_type == "OBJECT_TABLE") {
    facts.kind = Kind::drop_table;
    for (const auto& dropped : facts.drops) facts.access_exclusive.push_back(dropped.name);
  } else if (remove_type == "OBJECT_INDEX") {
    facts.kind = Kind::drop_index;
    if (!facts.drops.empty()) facts.index = facts.drops.front().name;
  }
}

void create_table_facts(const Node& relation, StatementFacts& facts) {
  facts.kind = Kind::create_table;
  facts.table = relation_name(relation);
  facts.creates.push_back({.kind = Object::table, .name = facts.table});
}

void create_stmt_facts(const Node& stmt, StatementFacts& facts) {
  create_table_facts(field(stmt, "relation"), facts);
  // CREATE TABLE ... PARTITION OF locks the partitioned table in ACCESS EXCLUSIVE mode.
  if (!field(stmt, "partbound").is_null())
    for_each_item(field(stmt, "inhRelations"),
                  [&](const Node& parent) { facts.access_exclusive.push_back(relation_name(node_fields(parent))); });
}

void create_table_as_facts(const Node& stmt, StatementFacts& facts) {
  const auto& relation = field(field(stmt, "into"), "rel");
  if (text(stmt, "objtype") == "OBJECT_MATVIEW")
    facts.creates.push_back({.kind = Object::materialized_view, .name = relation_name(relation)});
  else
    create_table_facts(relation, facts);
}

void create_index_facts(const Node& stmt, StatementFacts& facts) {
  facts.kind = Kind::create_index;
  facts.table = relation_name(field(stmt, "relation"));
  facts.index = pg::in_schema_of(facts.table, text(stmt, "idxname"));
  facts.concurrently = flag(stmt, "concurrent");
  facts.unique = flag(stmt, "unique");
  // An unnamed index gets a name from the server that the text does not show.
  if (!facts.index.empty()) facts.creates.push_back({.kind = Object::index, .name = facts.index, .table = facts.table});
}

void reindex_facts(const Node& stmt, StatementFacts& facts) {
  facts.kind = Kind::reindex;
  for_each_item(field(stmt, "params"), [&](const Node& param) {
    const auto& option = node_fields(param);
    const auto value = util::to_lower(text(node_fields(field(option, "arg")), "sval"));
    if (text(option, "defname") == "concurrently" && value != "false" && value != "off") facts.concurrently = true;
  });
}

// A SET argument as written: A_Const strings and numbers (a field at its default is left
// out of the tree, so an empty integer is 0).
std::string setting_value(const Node& argument) {
  const auto& constant = node_fields(argument);
  if (pg::node_type(argument) != "A_Const") return {};
  if (!field(constant, "sval").is_null()) return text(field(constant, "sval"), "sval");
  if (!field(constant, "fval").is_null()) return text(field(constant, "fval"), "fval");
  if (!field(constant, "boolval").is_null()) return flag(field(constant, "boolval"), "boolval") ? "true" : "false";
  const auto& integer = field(field(constant, "ival"), "ival");
  return integer.is_number() ? std::to_string(integer.get<long long>()) : "0";
}

// SET [LOCAL|SESSION] name = value. RESET and SET ... TO DEFAULT leave `value` empty.
void set_facts(const Node& stmt, StatementFacts& facts) {
  facts.kind = Kind::set_setting;
  facts.setting = util::to_lower(text(stmt, "name"));
  facts.local = flag(stmt, "is_local");
  if (text(stmt, "kind") != "VAR_SET_VALUE") return;
  std::vector<std::string> values;
  for_each_item(field(stmt, "args"), [&](const Node& argument) { values.push_back(setting_value(argument)); });
  facts.value = util::join(values, ", ");
}

void non_transactional(StatementFacts& facts, std::string what) {
  facts.kind = Kind::non_transactional;
  facts.what = std::move(what);
}

void lock_relations(const Node& relations, StatementFacts& facts) {
  for_each_item(relations,
                [&](const Node& relation) { facts.access_exclusive.push_back(relation_name(node_fields(relation))); });
}

void named_create(StatementFacts& facts, Object kind, std::string name, std::string table = {}) {
  facts.creates.push_back({.kind = kind, .name = std::move(name), .table = std::move(table)});
}

// Statements that create a catalog object and are otherwise other_ddl. CREATE OR REPLACE of
// a view, function or trigger is left out: it usually replaces an object an earlier revision
// created, and its downgrade restores the old definition instead of dropping it.
bool classify_create(std::string_view type, const Node& stmt, StatementFacts& facts) {
  const bool replace = flag(stmt, "replace");
  if (type == "ViewStmt") {
    if (!replace) named_create(facts, Object::view, relation_name(field(stmt, "view")));
  } else if (type == "CreateSeqStmt") {
    named_create(facts, Object::sequence, relation_name(field(stmt, "sequence")));
  } else if (type == "CreateEnumStmt" || type == "CreateRangeStmt") {
    named_create(facts, Object::type, pg::dotted_name(field(stmt, "typeName")));
  } else if (type == "CompositeTypeStmt") {
    named_create(facts, Object::type, relation_name(field(stmt, "typevar")));
  } else if (type == "DefineStmt") {
    if (text(stmt, "kind") == "OBJECT_TYPE")
      named_create(facts, Object::type, pg::dotted_name(field(stmt, "defnames")));
  } else if (type == "CreateDomainStmt") {
    named_create(facts, Object::domain, pg::dotted_name(field(stmt, "domainname")));
  } else if (type == "CreateFunctionStmt") {
    const auto kind = flag(stmt, "is_procedure") ? Object::procedure : Object::function;
    if (!replace) named_create(facts, kind, pg::dotted_name(field(stmt, "funcname")));
  } else if (type == "CreateTrigStmt") {
    if (!replace) named_create(facts, Object::trigger, text(stmt, "trigname"), relation_name(field(stmt, "relation")));
  } else if (type == "CreateSchemaStmt") {
    named_create(facts, Object::schema, text(stmt, "schemaname"));
  } else if (type == "CreateExtensionStmt") {
    named_create(facts, Object::extension, text(stmt, "extname"));
  } else {
    return false;
  }
  return true;
}

// Statements PostgreSQL refuses inside a transaction block.
bool classify_non_transactional(std::string_view type, const Node& stmt, StatementFacts& facts) {
  static const std::map<std::string_view, std::string_view> names = {{"CreatedbStmt", "CREATE DATABASE"},
                                                                     {"DropdbStmt", "DROP DATABASE"},
                                                                     {"AlterSystemStmt", "ALTER SYSTEM"},
                                                                     {"CreateTableSpaceStmt", "CREATE TABLESPACE"},
                                                                     {"DropTableSpaceStmt", "DROP TABLESPACE"}};
  if (type == "VacuumStmt") {
    if (!flag(stmt, "is_vacuumcmd")) return false;  // ANALYZE runs in a transaction
    non_transactional(facts, "VACUUM");
    for_each_item(field(stmt, "options"), [&](const Node& option) {
      if (text(node_fields(option), "defname") == "full")
        for_each_item(field(stmt, "rels"), [&](const Node& rel) {
          facts.access_exclusive.push_back(relation_name(field(node_fields(rel), "relation")));
        });
    });
    return true;
  }
  const auto found = names.find(type);
  if (found == names.end()) return false;
  non_transactional(facts, std::string(found->second));
  return true;
}

// Other statements that take ACCESS EXCLUSIVE on the tables they name.
bool classify_locking(std::string_view type, const Node& stmt, StatementFacts& facts) {
  if (type == "TruncateStmt") {
    lock_relations(field(stmt, "relations"), facts);
  } else if (type == "LockStmt") {
    constexpr int access_exclusive_mode = 8;  // PostgreSQL's AccessExclusiveLock, LOCK TABLE's default
    const auto& mode = field(stmt, "mode");
    if (mode.is_number() && mode.get<int>() == access_exclusive_mode) lock_relations(field(stmt, "relations"), facts);
  } else if (type == "RefreshMatViewStmt") {
    if (!flag(stmt, "concurrent")) facts.access_exclusive.push_back(relation_name(field(stmt, "relation")));
  } else if (type == "ClusterStmt" || type == "RuleStmt") {
    if (!field(stmt, "relation").is_null()) facts.access_exclusive.push_back(relation_name(field(stmt, "relation")));
  } else if (type == "CreatePolicyStmt") {
    facts.access_exclusive.push_back(relation_name(field(stmt, "table")));
  } else {
    return false;
  }
  return true;
}

void classify(std::string_view type, const Node& stmt, StatementFacts& facts) {
  if (type == "CreateStmt") return create_stmt_facts(stmt, facts);
  if (type == "CreateTableAsStmt") return create_table_as_facts(stmt, facts);
  if (type == "SelectStmt" && !field(stmt, "intoClause").is_null())
    return create_table_facts(field(field(stmt, "intoClause"), "rel"), facts);
  if (type == "DropStmt") return drop_facts(stmt, facts);
  if (type == "AlterTableStmt" && text(stmt, "objtype") == "OBJECT_TABLE") return pg::alter_table_facts(stmt, facts);
  if (type == "RenameStmt") return pg::rename_facts(stmt, facts);
  if (type == "IndexStmt") return create_index_facts(stmt, facts);
  if (type == "ReindexStmt") return reindex_facts(stmt, facts);
  if (type == "VariableSetStmt") return set_facts(stmt, facts);
  if (type == "TransactionStmt") {
    facts.kind = Kind::transaction_control;
    return;
  }
  static constexpr std::array<std::string_view, 6> dml = {"InsertStmt", "UpdateStmt", "DeleteStmt",
                                                          "SelectStmt", "CopyStmt",   "MergeStmt"};
  if (std::find(dml.begin(), dml.end(), type) != dml.end()) {
    facts.kind = Kind::dml;
    return;
  }
  if (classify_non_transactional(type, stmt, facts) || classify_create(type, stmt, facts)) return;
  classify_locking(type, stmt, facts);
}

// Parses one statement into `facts` (its text, line and column already set).
void parse_statement(StatementFacts& facts) {
  PgQueryParseResult result = pg_query_parse(facts.text.c_str());
  if (result.error) {
    facts.kind = Kind::unparsed;
    facts.error = result.error->message ? result.error->message : "syntax error";
  } else {
    const auto tree = Node::parse(result.parse_tree, nullptr, /*allow_exceptions=*/false);
    const auto& statements = field(tree, "stmts");
    if (statements.is_array() && !statements.empty()) {
      const auto& statement = field(statements.front(), "stmt");
      classify(pg::node_type(statement), node_fields(statement), facts);
    }
  }
  pg_query_free_parse_result(result);
}

}  // namespace

std::vector<StatementFacts> postgres_facts(std::string_view sql, int first_line) {
  auto out = located_statements(sql, Dialect::postgresql, first_line);
  for (auto& facts : out) parse_statement(facts);
  return out;
}

}  // namespace migrate::lint
