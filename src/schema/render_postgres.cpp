// PostgreSQL: the statements in dependency order (render.hpp), every object class but tables
// (render_postgres_tables.cpp).
#include <algorithm>
#include <tuple>

#include "backend/sql_dialect.hpp"
#include "schema/render_internal.hpp"
#include "util/strings.hpp"

namespace migrate::schema::render_detail {

std::string pg_name(const Name& name) {
  return backend::sql::qualified_name(Dialect::postgresql, name.schema, name.name);
}

std::string pg_ident(const std::string& ident) { return backend::sql::quote_ident(Dialect::postgresql, ident); }

std::string pg_comment(const std::string& what, const std::string& comment) {
  if (comment.empty()) return "";
  return "COMMENT ON " + what + " IS " + backend::sql::quote_literal(comment) + ";\n";
}

namespace {

constexpr const char* k_header =
    "-- PostgreSQL schema written by migrate: canonical and dependency-ordered.\n"
    "-- Run on an empty database: psql -v ON_ERROR_STOP=1 -f <this file>\n";

std::string domain(const Type& t) {
  std::string out = "CREATE DOMAIN " + pg_name(t.name) + " AS " + t.base_type;
  if (t.default_expression) out += "\n    DEFAULT " + *t.default_expression;
  if (t.not_null) out += "\n    NOT NULL";
  std::string later;
  for (const auto& c : t.checks) {
    auto clause = (c.name.empty() ? "" : "CONSTRAINT " + pg_ident(c.name) + " ") + "CHECK (" + c.expression + ")";
    if (c.not_valid) later += "ALTER DOMAIN " + pg_name(t.name) + " ADD " + clause + " NOT VALID;\n";
    else out += "\n    " + clause;
  }
  out += ";\n" + later;
  for (const auto& c : t.checks)
    out += pg_comment("CONSTRAINT " + pg_ident(c.name) + " ON DOMAIN " + pg_name(t.name), c.comment);
  return out + pg_comment("DOMAIN " + pg_name(t.name), t.comment);
}

}  // namespace

std::string pg_type(const Type& t) {
  if (t.kind == Type::Kind::domain) return domain(t);
  std::vector<std::string> items;
  if (t.kind == Type::Kind::enumeration) {
    for (const auto& label : t.labels) items.push_back(backend::sql::quote_literal(label));
  } else {
    for (const auto& a : t.attributes)
      items.push_back(pg_ident(a.name) + " " + a.type + (a.collation.empty() ? "" : " COLLATE " + a.collation));
  }
  std::string body = items.empty() ? "()" : "(\n    " + util::join(items, ",\n    ") + "\n)";
  std::string out = "CREATE TYPE " + pg_name(t.name) + " AS " + (t.kind == Type::Kind::enumeration ? "ENUM " : "") + body;
  out += ";\n";
  for (const auto& a : t.attributes)
    out += pg_comment("COLUMN " + pg_name(t.name) + "." + pg_ident(a.name), a.comment);
  return out + pg_comment("TYPE " + pg_name(t.name), t.comment);
}

std::string pg_function(const Function& f) {
  auto what = std::string(f.procedure ? "PROCEDURE " : "FUNCTION ") + pg_name(f.name) + "(" + f.arguments + ")";
  return without_terminator(f.definition) + ";\n" + pg_comment(what, f.comment);
}

std::string pg_sequence(const Sequence& q) {
  std::string out = "CREATE SEQUENCE " + pg_name(q.name) + "\n    AS " + q.type;
  out += "\n    START WITH " + std::to_string(q.start) + "\n    INCREMENT BY " + std::to_string(q.increment);
  out += "\n    MINVALUE " + std::to_string(q.min_value) + "\n    MAXVALUE " + std::to_string(q.max_value);
  out += "\n    CACHE " + std::to_string(q.cache) + (q.cycle ? "\n    CYCLE" : "") + ";\n";
  return out + pg_comment("SEQUENCE " + pg_name(q.name), q.comment);
}

std::string pg_sequence_owner(const Sequence& q) {
  if (!q.owned_by_table) return "";
  return "ALTER SEQUENCE " + pg_name(q.name) + " OWNED BY " + pg_name(*q.owned_by_table) + "." +
         pg_ident(q.owned_by_column) + ";\n";
}

namespace {

void owned_sequences(const Schema& s, Blocks& out) {
  for (const auto& q : s.sequences) out.add(pg_sequence_owner(q));
}

std::string index_key(const IndexKey& k) {
  std::string out = k.column.empty() ? "(" + k.expression + ")" : pg_ident(k.column);
  if (!k.collation.empty()) out += " COLLATE " + k.collation;
  if (!k.opclass.empty()) out += " " + k.opclass;
  if (k.descending) out += " DESC";
  if (k.nulls_first) out += *k.nulls_first ? " NULLS FIRST" : " NULLS LAST";
  return out;
}

}  // namespace

std::string pg_index(const Index& i) {
  std::vector<std::string> keys, include;
  for (const auto& k : i.keys) keys.push_back(index_key(k));
  for (const auto& c : i.include) include.push_back(pg_ident(c));
  std::string out = std::string("CREATE ") + (i.unique ? "UNIQUE " : "") + "INDEX " + pg_ident(i.name.name) + " ON " +
                    pg_name({i.name.schema, i.table}) + " USING " + i.method + " (" + util::join(keys, ", ") + ")";
  if (!include.empty()) out += " INCLUDE (" + util::join(include, ", ") + ")";
  if (!i.where.empty()) out += " WHERE (" + i.where + ")";
  return out + ";\n" + pg_comment("INDEX " + pg_name(i.name), i.comment);
}

namespace {

/// A partition's index comes before its parent's, which then adopts it.
void indexes(const Schema& s, Blocks& out) {
  const auto depths = pg_partition_depths(s);
  std::vector<std::pair<int, std::size_t>> order;
  for (std::size_t i = 0; i < s.indexes.size(); ++i) {
    auto depth = depths.find({s.indexes[i].name.schema, s.indexes[i].table});  // an index of a view: depth 0
    order.emplace_back(depth == depths.end() ? 0 : -depth->second, i);
  }
  std::sort(order.begin(), order.end());
  for (const auto& [depth, i] : order) out.add(pg_index(s.indexes[i]));
}

}  // namespace

std::string pg_view(const View& v) {
  const char* kind = v.materialized ? "MATERIALIZED VIEW " : "VIEW ";
  return std::string("CREATE ") + kind + pg_name(v.name) + " AS\n" +
         std::string(util::trim_left(without_terminator(v.definition))) + ";\n" +
         pg_comment(kind + pg_name(v.name), v.comment);
}

std::string pg_trigger(const Trigger& t) {
  std::string out = without_terminator(t.definition) + ";\n";
  if (!t.enabled) out += "ALTER TABLE " + pg_name(t.table) + " DISABLE TRIGGER " + pg_ident(t.name) + ";\n";
  return out + pg_comment("TRIGGER " + pg_ident(t.name) + " ON " + pg_name(t.table), t.comment);
}

std::string pg_extension(const Extension& e) {
  std::string statement = "CREATE EXTENSION " + pg_ident(e.name);
  if (!e.schema.empty()) statement += " WITH SCHEMA " + pg_ident(e.schema);
  if (!e.version.empty()) statement += " VERSION " + backend::sql::quote_literal(e.version);
  return statement + ";\n";
}

namespace {

/// Schemas, then extensions each after the extensions it requires (`ltree_plpython3u` after
/// `plpython3u`), else by name.
void schemas_and_extensions(const Schema& s, Blocks& out) {
  for (const auto& name : s.schemas)
    if (name != "public") out.add("CREATE SCHEMA " + pg_ident(name) + ";\n");
  std::vector<std::set<std::size_t>> depends_on(s.extensions.size());
  for (std::size_t i = 0; i < s.extensions.size(); ++i)
    for (const auto& required : s.extensions[i].requires_extensions)
      for (std::size_t j = 0; j < s.extensions.size(); ++j)
        if (s.extensions[j].name == required) depends_on[i].insert(j);
  for (auto i : dependency_order(depends_on)) out.add(pg_extension(s.extensions[i]));
}

/// A type also after the types its text names (a model written by hand has no depends_on).
std::set<std::size_t> named_types(const Type& t, const std::vector<const Name*>& names, std::size_t types) {
  std::string uses = t.base_type + " " + t.default_expression.value_or("");
  for (const auto& a : t.attributes) uses += " " + a.type;
  for (const auto& c : t.checks) uses += " " + c.expression;
  auto found = identifiers_in(uses, Dialect::postgresql);
  std::set<std::size_t> out;
  for (std::size_t j = 0; j < types; ++j)
    if (found.count(names[j]->name)) out.insert(j);
  return out;
}

}  // namespace

std::vector<ObjectRef> pg_object_order(const Schema& s) {
  std::vector<ObjectRef> nodes;
  std::vector<const Name*> names;
  std::vector<const std::vector<Name>*> uses;
  auto add = [&](ObjectRef::Kind kind, const auto& list) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      nodes.push_back({kind, i});
      names.push_back(&list[i].name);
      uses.push_back(&list[i].depends_on);
    }
  };
  add(ObjectRef::Kind::type, s.types);
  add(ObjectRef::Kind::function, s.functions);
  add(ObjectRef::Kind::table, s.tables);
  add(ObjectRef::Kind::view, s.views);
  std::vector<std::set<std::size_t>> depends_on(nodes.size());
  for (std::size_t i = 0; i < s.types.size(); ++i) depends_on[i] = named_types(s.types[i], names, s.types.size());
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (const auto& name : *uses[i])
      for (std::size_t j = 0; j < nodes.size(); ++j)
        if (j != i && *names[j] == name) depends_on[i].insert(j);
  std::vector<ObjectRef> out;
  for (auto i : dependency_order(depends_on)) out.push_back(nodes[i]);
  return out;
}

std::string pg_object(const Schema& s, const ObjectRef& ref) {
  switch (ref.kind) {
    case ObjectRef::Kind::type: return pg_type(s.types[ref.index]);
    case ObjectRef::Kind::function: return pg_function(s.functions[ref.index]);
    case ObjectRef::Kind::table: return pg_table(s.tables[ref.index]);
    case ObjectRef::Kind::view: return pg_view(s.views[ref.index]);
  }
  return "";
}

namespace {

/// Types, functions, tables and views as one graph, each after what it depends on (the
/// catalog's dependencies), else in that order and by name: a function returning a table's
/// rows after the table, a domain after the function its check calls, a table after the
/// function its default calls.
void objects_in_dependency_order(const Schema& s, Blocks& out) {
  for (const auto& ref : pg_object_order(s)) out.add(pg_object(s, ref));
}

}  // namespace

std::string render_postgres(const Schema& s) {
  Blocks out;
  // As pg_dump does: a function body may read tables created after it.
  out.add("SET check_function_bodies = false;\n");
  schemas_and_extensions(s, out);
  for (const auto& q : s.sequences) out.add(pg_sequence(q));
  objects_in_dependency_order(s, out);
  pg_partitions(s, out);
  owned_sequences(s, out);
  pg_foreign_keys(s, out);
  indexes(s, out);  // after the views: a materialized view can have indexes
  for (const auto& t : s.triggers) out.add(pg_trigger(t));
  pg_row_security(s, out);
  return out.join(k_header);
}

}  // namespace migrate::schema::render_detail
