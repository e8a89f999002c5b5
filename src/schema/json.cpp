#include "schema/json.hpp"

namespace migrate::schema {
namespace {

using util::Json;

Json name_json(const Name& n) { return Json::object().set("schema", n.schema).set("name", n.name); }

Json column_json(const Column& c) {
  return Json::object()
      .set("name", c.name)
      .set("type", c.type)
      .set("not_null", c.not_null)
      .set("default", Json::optional(c.default_expression))
      .set("identity", c.identity)
      .set("generated", Json::optional(c.generated))
      .set("generated_stored", c.generated_stored)
      .set("collation", c.collation)
      .set("comment", c.comment);
}

Json foreign_key_json(const ForeignKey& fk) {
  return Json::object()
      .set("parent", name_json(fk.parent))
      .set("parent_columns", Json::strings(fk.parent_columns))
      .set("on_update", fk.on_update)
      .set("on_delete", fk.on_delete)
      .set("match", fk.match);
}

Json constraint_json(const Constraint& c) {
  return Json::object()
      .set("name", c.name)
      .set("kind", to_string(c.kind))
      .set("columns", Json::strings(c.columns))
      .set("expression", c.expression)
      .set("foreign_key", c.foreign_key ? foreign_key_json(*c.foreign_key) : Json())
      .set("deferrable", c.deferrable)
      .set("initially_deferred", c.initially_deferred)
      .set("not_valid", c.not_valid)
      .set("comment", c.comment);
}

template <typename T, typename F>
Json array_of(const std::vector<T>& items, F to_json_item) {
  Json out = Json::array();
  for (const auto& item : items) out.push(to_json_item(item));
  return out;
}

Json policy_json(const Policy& p) {
  return Json::object()
      .set("name", p.name)
      .set("command", p.command)
      .set("permissive", p.permissive)
      .set("roles", Json::strings(p.roles))
      .set("using", p.using_expression)
      .set("check", p.check_expression);
}

Json table_json(const Table& t) {
  return Json::object()
      .set("name", name_json(t.name))
      .set("columns", array_of(t.columns, column_json))
      .set("constraints", array_of(t.constraints, constraint_json))
      .set("strict", t.strict)
      .set("without_rowid", t.without_rowid)
      .set("unlogged", t.unlogged)
      .set("partition_key", t.partition_key)
      .set("partition_of", t.partition_of ? name_json(*t.partition_of) : Json())
      .set("partition_bound", t.partition_bound)
      .set("depends_on", array_of(t.depends_on, name_json))
      .set("row_security", t.row_security)
      .set("force_row_security", t.force_row_security)
      .set("policies", array_of(t.policies, policy_json))
      .set("comment", t.comment);
}

Json index_key_json(const IndexKey& k) {
  return Json::object()
      .set("column", k.column)
      .set("expression", k.expression)
      .set("collation", k.collation)
      .set("opclass", k.opclass)
      .set("descending", k.descending)
      .set("nulls_first", k.nulls_first ? Json(*k.nulls_first) : Json());
}

Json index_json(const Index& i) {
  return Json::object()
      .set("name", name_json(i.name))
      .set("table", i.table)
      .set("unique", i.unique)
      .set("method", i.method)
      .set("keys", array_of(i.keys, index_key_json))
      .set("include", Json::strings(i.include))
      .set("where", i.where)
      .set("comment", i.comment);
}

Json view_json(const View& v) {
  return Json::object()
      .set("name", name_json(v.name))
      .set("materialized", v.materialized)
      .set("definition", v.definition)
      .set("columns", Json::strings(v.columns))
      .set("depends_on", array_of(v.depends_on, name_json))
      .set("comment", v.comment);
}

Json sequence_json(const Sequence& s) {
  return Json::object()
      .set("name", name_json(s.name))
      .set("type", s.type)
      .set("start", s.start)
      .set("increment", s.increment)
      .set("min_value", s.min_value)
      .set("max_value", s.max_value)
      .set("cache", s.cache)
      .set("cycle", s.cycle)
      .set("owned_by_table", s.owned_by_table ? name_json(*s.owned_by_table) : Json())
      .set("owned_by_column", s.owned_by_column)
      .set("comment", s.comment);
}

Json type_json(const Type& t) {
  return Json::object()
      .set("name", name_json(t.name))
      .set("kind", to_string(t.kind))
      .set("labels", Json::strings(t.labels))
      .set("base_type", t.base_type)
      .set("not_null", t.not_null)
      .set("default", Json::optional(t.default_expression))
      .set("checks", array_of(t.checks, constraint_json))
      .set("attributes", array_of(t.attributes, column_json))
      .set("depends_on", array_of(t.depends_on, name_json))
      .set("comment", t.comment);
}

Json function_json(const Function& f) {
  return Json::object()
      .set("name", name_json(f.name))
      .set("arguments", f.arguments)
      .set("procedure", f.procedure)
      .set("definition", f.definition)
      .set("depends_on", array_of(f.depends_on, name_json))
      .set("comment", f.comment);
}

Json trigger_json(const Trigger& t) {
  return Json::object()
      .set("table", name_json(t.table))
      .set("name", t.name)
      .set("definition", t.definition)
      .set("enabled", t.enabled)
      .set("comment", t.comment);
}

Json extension_json(const Extension& e) {
  return Json::object()
      .set("name", e.name)
      .set("schema", e.schema)
      .set("version", e.version)
      .set("requires", Json::strings(e.requires_extensions));
}

Json unsupported_json(const Unsupported& u) {
  return Json::object().set("kind", u.kind).set("name", u.name).set("why", u.why);
}

}  // namespace

util::Json to_json(const Schema& original) {
  auto schema = canonical_copy(original);
  return to_json(schema, fingerprint_of_canonical(schema));
}

util::Json to_json(const Schema& schema, const std::string& fingerprint) {
  return Json::object()
      .set("format", k_format)
      .set("dialect", std::string(to_string(schema.dialect)))
      .set("fingerprint", fingerprint)
      .set("schemas", Json::strings(schema.schemas))
      .set("extensions", array_of(schema.extensions, extension_json))
      .set("types", array_of(schema.types, type_json))
      .set("sequences", array_of(schema.sequences, sequence_json))
      .set("tables", array_of(schema.tables, table_json))
      .set("indexes", array_of(schema.indexes, index_json))
      .set("views", array_of(schema.views, view_json))
      .set("functions", array_of(schema.functions, function_json))
      .set("triggers", array_of(schema.triggers, trigger_json))
      .set("unsupported", array_of(schema.unsupported, unsupported_json));
}

}  // namespace migrate::schema
