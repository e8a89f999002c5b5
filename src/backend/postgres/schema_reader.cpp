// The SchemaReader role of the PostgreSQL backend: the schema model from pg_catalog, one
// query per object class whatever the number of tables (no per-table queries). Every query
// restricts itself to the relations of the scope through the same conditions
// (schema_condition, relation_condition) and leaves out what belongs to an extension
// (pg_depend deptype 'e'): the extension stands for its objects.
// Read: schemas, tables, columns, constraints, indexes (of tables and materialized views),
// views, sequences, extensions, enum, domain and composite types, functions and procedures,
// triggers (of tables and views), row-level security policies, and what types, functions,
// tables and views depend on (pg_depend), by which a dump orders them.
// What a partition inherits from its parent (constraints and indexes cloned from the parent's,
// row triggers, the per-partition copies of a foreign key referencing a partitioned table)
// is the parent's: the parent's definition recreates it, so it is not read on its own.
// The queries run with search_path = pg_catalog (read_schema sets it and restores the
// session's), so the catalog's texts name every object outside pg_catalog with its schema,
// whatever the session's path: the same database reads the same from any session.
// Listed as unsupported: aggregates, window functions, rules, foreign tables, operators and
// collations of the scope, range/multirange/base types, extended statistics, text search
// configurations and dictionaries, operator classes and families, event triggers, table
// inheritance (INHERITS), options the model has no field for (identity sequence options,
// NULLS NOT DISTINCT, ON DELETE SET NULL/SET DEFAULT column lists, CHECK ... NO INHERIT,
// INCLUDE columns of key constraints, ENABLE REPLICA/ALWAYS triggers, storage parameters and
// view options), and comments on schemas, policies and view columns.
// Not read yet: grants, opclass parameters.

#include <map>

#include "backend/catalog_digest.hpp"
#include "backend/postgres/postgres_backend.hpp"
#include "backend/postgres/session.hpp"
#include "backend/row_values.hpp"
#include "util/strings.hpp"

namespace migrate::backend::postgres {
namespace {

/// Separates the items of a list that a query aggregates into one text value.
constexpr const char* k_separator = "\x1f";

std::vector<std::string> list_of(const Row& row, std::size_t i) {
  auto text = value_of(row, i);
  return text.empty() ? std::vector<std::string>{} : util::split(text, '\x1f');
}

std::string foreign_key_action(const std::string& code) {
  if (code == "r") return "restrict";
  if (code == "c") return "cascade";
  if (code == "n") return "set null";
  if (code == "d") return "set default";
  return "no action";
}

std::string match_type(const std::string& code) {
  if (code == "f") return "full";
  if (code == "p") return "partial";
  return "simple";
}

/// PQserverVersion: 150004 for 15.4. Catalog columns newer than a server are not asked for.
int server_version(const Session& session) { return PQserverVersion(session.raw()); }

/// True when the object `oid` of the catalog `catalog` (pg_class, pg_type, ...) does not
/// belong to an extension.
std::string not_from_extension(const char* catalog, const char* oid) {
  return std::string("NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.") + catalog +
         "'::regclass AND d.objid = " + oid + " AND d.deptype = 'e')";
}

/// The collation or operator class `oid` as SQL text: quoted where needed, and qualified
/// with its schema outside pg_catalog (a pg_trgm installed in schema `extensions` gives
/// `extensions.gin_trgm_ops`), so that the dump names it whatever the search_path.
/// `schema_name` is the text of a pg_namespace.nspname, `name` the object's name.
std::string qualified_sql_name(const std::string& schema_name, const std::string& name) {
  return "CASE WHEN " + schema_name + " = 'pg_catalog' THEN pg_catalog.quote_ident(" + name +
         ") ELSE pg_catalog.quote_ident(" + schema_name + ") || '.' || pg_catalog.quote_ident(" + name + ") END";
}
std::string sql_name_of(const char* catalog, const char* name, const char* ns, const std::string& oid) {
  return "(SELECT " + qualified_sql_name("xn.nspname", std::string("x.") + name) + " FROM pg_catalog." + catalog +
         " x JOIN pg_catalog.pg_namespace xn ON xn.oid = x." + ns + " WHERE x.oid = " + oid + ")";
}
std::string collation_text(const std::string& oid) { return sql_name_of("pg_collation", "collname", "collnamespace", oid); }

/// `LEFT JOIN pg_description <alias>`: the comment on the object `oid` (sub-object `subid`:
/// a column's number, 0 for the object itself) of the catalog `catalog`, as
/// col_description/obj_description read it, but joined once instead of looked up per row.
std::string description_join(const char* alias, const char* catalog, const std::string& oid, const char* subid = "0") {
  return std::string(" LEFT JOIN pg_catalog.pg_description ") + alias + " ON " + alias + ".objoid = " + oid + " AND " +
         alias + ".classoid = 'pg_catalog." + catalog + "'::pg_catalog.regclass AND " + alias + ".objsubid = " + subid +
         " ";
}

schema::ConstraintKind constraint_kind(const std::string& code) {
  if (code == "p") return schema::ConstraintKind::primary_key;
  if (code == "u") return schema::ConstraintKind::unique;
  if (code == "f") return schema::ConstraintKind::foreign_key;
  if (code == "x") return schema::ConstraintKind::exclusion;
  return schema::ConstraintKind::check;
}

}  // namespace

/// The namespaces of the scope, as a condition on `n` (pg_namespace).
std::string PostgresBackend::schema_condition(const SchemaScope& scope) {
  if (!scope.schemas.empty()) {
    std::vector<std::string> names;
    for (const auto& s : scope.schemas) names.push_back(m_session->literal(s));
    return "n.nspname IN (" + util::join(names, ", ") + ")";
  }
  return "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND "
         "n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%' AND NOT EXISTS (SELECT "
         "1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_namespace'::regclass AND d.objid = n.oid "
         "AND d.deptype = 'e')";
}

/// The relations of the scope of the `kinds` (a list of relkind literals), as a condition on
/// `c` joined to `n`.
std::string PostgresBackend::relation_condition(const SchemaScope& scope, const char* kinds) {
  std::string out = std::string("c.relkind IN (") + kinds + ") AND " + schema_condition(scope) + " AND " +
                    not_from_extension("pg_class", "c.oid");
  for (const auto& t : scope.excluded) {
    out += " AND NOT (c.relname = " + m_session->literal(t.name);
    if (!t.schema.empty()) out += " AND n.nspname = " + m_session->literal(t.schema);
    out += ")";
  }
  return out;
}

/// The tables (and partitioned tables) of the scope, as a condition on `c` joined to `n`.
std::string PostgresBackend::table_condition(const SchemaScope& scope) {
  return relation_condition(scope, "'r', 'p'");
}

void PostgresBackend::read_schemas(schema::Schema& out, const SchemaScope& scope) {
  for (const auto& row : catalog_query("SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE " + schema_condition(scope) +
                               " ORDER BY 1"))
    out.schemas.push_back(value_of(row, 0));
}

void PostgresBackend::read_tables(schema::Schema& out, const SchemaScope& scope,
                                  std::map<std::string, std::size_t>& by_oid) {
  auto rows = catalog_query(
      "SELECT c.oid, n.nspname, c.relname, c.relpersistence = 'u', c.relrowsecurity, c.relforcerowsecurity, "
      "CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END, pn.nspname, pc.relname, "
      "pg_catalog.pg_get_expr(c.relpartbound, c.oid), dsc.description "
      "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace" +
      description_join("dsc", "pg_class", "c.oid") +
      "LEFT JOIN pg_catalog.pg_inherits i ON c.relispartition AND i.inhrelid = c.oid "
      "LEFT JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent "
      "LEFT JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace WHERE " +
      table_condition(scope));
  for (const auto& row : rows) {
    schema::Table t;
    t.name = {value_of(row, 1), value_of(row, 2)};
    t.unlogged = flag_of(row, 3);
    t.row_security = flag_of(row, 4);
    t.force_row_security = flag_of(row, 5);
    t.partition_key = value_of(row, 6);
    if (row.size() > 8 && row[8]) t.partition_of = schema::Name{value_of(row, 7), value_of(row, 8)};
    t.partition_bound = value_of(row, 9);
    t.comment = value_of(row, 10);
    by_oid[value_of(row, 0)] = out.tables.size();
    out.tables.push_back(std::move(t));
  }
}

void PostgresBackend::read_columns(schema::Schema& out, const SchemaScope& scope,
                                   const std::map<std::string, std::size_t>& by_oid) {
  // The options of an identity column's sequence that differ from the defaults CREATE TABLE
  // gives it; the model has no field for them.
  const std::string identity_options =
      "SELECT pg_catalog.concat_ws(' ', CASE WHEN s.seqtypid <> a.atttypid THEN 'AS ' || "
      "pg_catalog.format_type(s.seqtypid, NULL) END, CASE WHEN s.seqstart <> 1 THEN 'START ' || s.seqstart END, "
      "CASE WHEN s.seqincrement <> 1 THEN 'INCREMENT ' || s.seqincrement END, CASE WHEN s.seqmin <> 1 THEN "
      "'MINVALUE ' || s.seqmin END, CASE WHEN s.seqmax <> CASE s.seqtypid WHEN 'pg_catalog.int2'::pg_catalog.regtype "
      "THEN 32767 WHEN 'pg_catalog.int4'::pg_catalog.regtype THEN 2147483647 ELSE 9223372036854775807 END THEN "
      "'MAXVALUE ' || s.seqmax END, CASE WHEN s.seqcache <> 1 THEN 'CACHE ' || s.seqcache END, CASE WHEN s.seqcycle "
      "THEN 'CYCLE' END) FROM pg_catalog.pg_depend dep JOIN pg_catalog.pg_sequence s ON s.seqrelid = dep.objid "
      "WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.refclassid = "
      "'pg_catalog.pg_class'::pg_catalog.regclass AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND "
      "dep.deptype = 'i' LIMIT 1";
  auto rows = catalog_query(
      "SELECT a.attrelid, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
      // A default cannot refer to a column: deparsed without its table (relation 0), the
      // server does not open and lock every table that has one. A generated column's
      // expression names columns, so it is deparsed against its table.
      "pg_catalog.pg_get_expr(ad.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE ad.adrelid END, true), "
      "a.attidentity, a.attgenerated, "
      "CASE WHEN a.attcollation <> t.typcollation THEN " + collation_text("a.attcollation") +
      " END, dsc.description, CASE WHEN a.attidentity <> '' THEN (" + identity_options + ") END FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
      "LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum" +
      description_join("dsc", "pg_class", "a.attrelid", "a.attnum") +
      "WHERE a.attnum > 0 AND NOT a.attisdropped AND " +
      table_condition(scope) + " ORDER BY a.attrelid, a.attnum");
  for (const auto& row : rows) {
    auto table = by_oid.find(value_of(row, 0));
    if (table == by_oid.end()) continue;
    schema::Column c;
    c.name = value_of(row, 1);
    c.type = value_of(row, 2);
    c.not_null = flag_of(row, 3);
    auto identity = value_of(row, 5);
    c.identity = identity == "a" ? "always" : identity == "d" ? "by default" : "";
    if (value_of(row, 6) == "s") {
      c.generated = value_of(row, 4);
      c.generated_stored = true;
    } else if (row.size() > 4 && row[4]) {
      c.default_expression = value_of(row, 4);
    }
    c.collation = value_of(row, 7);
    c.comment = value_of(row, 8);
    auto& t = out.tables[table->second];
    if (auto options = value_of(row, 9); !options.empty())
      out.unsupported.push_back({"identity option", t.name.schema + "." + t.name.name + "." + c.name,
                                 "the identity sequence options " + options +
                                     " are not part of the schema model (a dump creates the column with the "
                                     "default options)"});
    t.columns.push_back(std::move(c));
  }
}

void PostgresBackend::read_constraints(schema::Schema& out, const SchemaScope& scope,
                                       const std::map<std::string, std::size_t>& by_oid) {
  auto names_of = [](const char* keys, const char* rel) {
    return std::string("pg_catalog.array_to_string(ARRAY(SELECT att.attname FROM pg_catalog.unnest(") + keys +
           ") WITH ORDINALITY k(num, pos) JOIN pg_catalog.pg_attribute att ON att.attrelid = " + rel +
           " AND att.attnum = k.num ORDER BY k.pos), E'\\x1f')";
  };
  // PostgreSQL 15: NULLS NOT DISTINCT keys and ON DELETE SET NULL/SET DEFAULT column lists.
  const bool pg15 = server_version(*m_session) >= 150000;
  auto rows = catalog_query(
      "SELECT co.conrelid, co.conname, co.contype, co.condeferrable, co.condeferred, NOT co.convalidated, "
      // Only an exclusion constraint's definition is read as text (its expression).
      "CASE WHEN co.contype = 'x' THEN pg_catalog.pg_get_constraintdef(co.oid, true) END, " + names_of("co.conkey", "co.conrelid") +
      ", fn.nspname, fc.relname, " + names_of("co.confkey", "co.confrelid") +
      ", co.confupdtype, co.confdeltype, co.confmatchtype, dsc.description, "
      "pg_catalog.pg_get_expr(co.conbin, co.conrelid, true), " +
      (pg15 ? "EXISTS (SELECT 1 FROM pg_catalog.pg_index ix WHERE ix.indexrelid = co.conindid AND "
              "ix.indnullsnotdistinct), " + names_of("co.confdelsetcols", "co.conrelid")
            : std::string("false, NULL")) +
      ", co.contype = 'c' AND co.connoinherit, EXISTS (SELECT 1 FROM pg_catalog.pg_index ix WHERE ix.indexrelid = "
      "co.conindid AND co.contype IN ('p', 'u') AND ix.indnatts > ix.indnkeyatts)" +
      " FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_class c ON c.oid = co.conrelid "
      "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "LEFT JOIN pg_catalog.pg_class fc ON fc.oid = co.confrelid "
      "LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace" +
      description_join("dsc", "pg_constraint", "co.oid") +
      // A constraint cloned from a parent's (conparentid) is the parent's.
      "WHERE co.contype IN ('p', 'u', 'c', 'f', 'x') AND co.conparentid = 0 AND " + table_condition(scope));
  for (const auto& row : rows) {
    auto table = by_oid.find(value_of(row, 0));
    if (table == by_oid.end()) continue;
    const auto& t = out.tables[table->second];
    auto unsupported = [&](const std::string& why) {
      out.unsupported.push_back(
          {"constraint option", t.name.schema + "." + t.name.name + "." + value_of(row, 1), why + " (a dump leaves it out)"});
    };
    if (flag_of(row, 16)) unsupported("NULLS NOT DISTINCT is not part of the schema model");
    if (flag_of(row, 18)) unsupported("NO INHERIT is not part of the schema model");
    if (flag_of(row, 19)) unsupported("the INCLUDE columns of a key constraint are not part of the schema model");
    if (auto columns = list_of(row, 17); !columns.empty())
      unsupported("the column list of its ON DELETE action (" + util::join(columns, ", ") +
                  ") is not part of the schema model");
    schema::Constraint k;
    k.name = value_of(row, 1);
    k.kind = constraint_kind(value_of(row, 2));
    k.deferrable = flag_of(row, 3);
    k.initially_deferred = flag_of(row, 4);
    k.not_valid = flag_of(row, 5);
    if (k.kind != schema::ConstraintKind::check) k.columns = list_of(row, 7);
    if (k.kind == schema::ConstraintKind::check) k.expression = value_of(row, 15);
    if (k.kind == schema::ConstraintKind::exclusion) k.expression = value_of(row, 6);
    if (k.kind == schema::ConstraintKind::foreign_key)
      k.foreign_key = schema::ForeignKey{{value_of(row, 8), value_of(row, 9)}, list_of(row, 10),
                                         foreign_key_action(value_of(row, 11)), foreign_key_action(value_of(row, 12)),
                                         match_type(value_of(row, 13))};
    k.comment = value_of(row, 14);
    out.tables[table->second].constraints.push_back(std::move(k));
  }
}

namespace {

/// The columns of an index row: the index's own, then one key's (the query returns one row
/// per key, its keys in order).
enum IndexCell : std::size_t {
  ix_oid, ix_schema, ix_name, ix_table, ix_unique, ix_method, ix_key_count, ix_where, ix_comment,
  ix_nulls_not_distinct, key_column, key_expression, key_descending, key_nulls_first, key_opclass, key_collation
};

/// One row per key of the indexes of `relations` (a condition on `c` and `n`), the indexes
/// in the order of their oids: the key's column name or expression, DESC bit, NULLS FIRST
/// bit, operator class when not the default, collation when not the key's own. The
/// index's own cells (its predicate alone costs something) are read on its first key.
std::string index_keys_query(const std::string& relations, bool pg15) {
  return "SELECT i.indexrelid, n.nspname, ic.relname, c.relname, i.indisunique, am.amname, i.indnkeyatts, "
         "CASE WHEN k.pos = 1 THEN pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) END, dsc.description, " +
         std::string(pg15 ? "i.indnullsnotdistinct" : "false") +
         ", coalesce(att.attname, ''), "
         "CASE WHEN k.attnum = 0 THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.pos::int, true) ELSE '' END, "
         "coalesce((k.options & 1)::text, '0'), coalesce((k.options & 2)::text, '0'), "
         "CASE WHEN opc.opcdefault THEN '' ELSE coalesce(" + qualified_sql_name("opcn.nspname", "opc.opcname") +
         ", '') END, CASE WHEN k.collation_oid <> coalesce(att.attcollation, kt.typcollation) THEN coalesce(" +
         qualified_sql_name("colln.nspname", "coll.collname") + ", '') ELSE '' END "
         "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
         "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
         "JOIN pg_catalog.pg_am am ON am.oid = ic.relam" + description_join("dsc", "pg_class", "i.indexrelid") +
         // The arrays of the operator classes, options and collations have no entry for
         // INCLUDE columns: ROWS FROM gives NULL there.
         "CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(i.indkey::pg_catalog.int2[]), "
         "pg_catalog.unnest(i.indclass::pg_catalog.oid[]), pg_catalog.unnest(i.indoption::pg_catalog.int2[]), "
         "pg_catalog.unnest(i.indcollation::pg_catalog.oid[])) WITH ORDINALITY k(attnum, opclass_oid, options, "
         "collation_oid, pos) "
         "LEFT JOIN pg_catalog.pg_attribute att ON att.attrelid = i.indrelid AND att.attnum = k.attnum "
         "LEFT JOIN pg_catalog.pg_attribute katt ON katt.attrelid = i.indexrelid AND katt.attnum = k.pos "
         "LEFT JOIN pg_catalog.pg_type kt ON kt.oid = katt.atttypid "
         "LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid = k.opclass_oid "
         "LEFT JOIN pg_catalog.pg_namespace opcn ON opcn.oid = opc.opcnamespace "
         "LEFT JOIN pg_catalog.pg_collation coll ON coll.oid = k.collation_oid "
         "LEFT JOIN pg_catalog.pg_namespace colln ON colln.oid = coll.collnamespace WHERE " + relations +
         " AND NOT ic.relispartition AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co WHERE co.conindid = "
         "i.indexrelid AND co.contype IN ('p', 'u', 'x')) ORDER BY i.indexrelid, k.pos";
}

/// The key of an index row.
schema::IndexKey index_key(const Row& row) {
  schema::IndexKey k;
  k.expression = value_of(row, key_expression);
  k.column = k.expression.empty() ? value_of(row, key_column) : "";
  k.descending = value_of(row, key_descending) != "0";
  bool nulls_first = value_of(row, key_nulls_first) != "0";
  // Only a NULLS order that differs from the direction's default is part of the key.
  if (nulls_first != k.descending) k.nulls_first = nulls_first;
  k.opclass = value_of(row, key_opclass);
  k.collation = value_of(row, key_collation);
  return k;
}

/// The index of a row (its first key's), without keys.
schema::Index index_of(const Row& row) {
  schema::Index index;
  index.name = {value_of(row, ix_schema), value_of(row, ix_name)};
  index.table = value_of(row, ix_table);
  index.unique = flag_of(row, ix_unique);
  index.method = value_of(row, ix_method);
  index.where = value_of(row, ix_where);
  index.comment = value_of(row, ix_comment);
  return index;
}

}  // namespace

/// Indexes of tables and materialized views, but not those of constraints (the constraint
/// makes its index) nor the partitions of a partitioned table's index (the parent's index
/// makes one on each partition). A key's collation is read when it is not the key's own:
/// the column's for a column, the type's default for an expression (the catalog does not
/// keep an expression's own collation, and naming one explicitly builds the same index).
void PostgresBackend::read_indexes(schema::Schema& out, const SchemaScope& scope) {
  const bool pg15 = server_version(*m_session) >= 150000;
  auto rows = catalog_query(index_keys_query(relation_condition(scope, "'r', 'p', 'm'"), pg15));
  std::string current;  // the oid of the index of out.indexes.back()
  for (const auto& row : rows) {
    if (auto oid = value_of(row, ix_oid); oid != current) {
      current = oid;
      out.indexes.push_back(index_of(row));
      if (flag_of(row, ix_nulls_not_distinct))
        out.unsupported.push_back({"index option", out.indexes.back().name.schema + "." + out.indexes.back().name.name,
                                   "NULLS NOT DISTINCT is not part of the schema model (a dump leaves it out)"});
    }
    auto& index = out.indexes.back();
    auto key = index_key(row);
    if (index.keys.size() < static_cast<std::size_t>(number_of(row, ix_key_count))) index.keys.push_back(std::move(key));
    else index.include.push_back(key.column);
  }
}

void PostgresBackend::read_views(schema::Schema& out, const SchemaScope& scope) {
  auto rows = catalog_query(
      "SELECT n.nspname, c.relname, c.relkind = 'm', pg_catalog.pg_get_viewdef(c.oid, true), "
      "pg_catalog.array_to_string(ARRAY(SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid "
      "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum), E'\\x1f'), "
      "dsc.description FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace" +
      description_join("dsc", "pg_class", "c.oid") + "WHERE " + relation_condition(scope, "'v', 'm'"));
  for (const auto& row : rows) {
    schema::View v;
    v.name = {value_of(row, 0), value_of(row, 1)};
    v.materialized = flag_of(row, 2);
    v.definition = value_of(row, 3);
    v.columns = list_of(row, 4);
    v.comment = value_of(row, 5);
    out.views.push_back(std::move(v));
  }
}

void PostgresBackend::read_sequences(schema::Schema& out, const SchemaScope& scope) {
  auto rows = catalog_query(
      "SELECT n.nspname, c.relname, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, "
      "s.seqmin, s.seqmax, s.seqcache, s.seqcycle, tn.nspname, tc.relname, ta.attname, "
      "dsc.description FROM pg_catalog.pg_sequence s "
      "JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace" +
      description_join("dsc", "pg_class", "c.oid") +
      "LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND "
      "d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype = 'a' "
      "LEFT JOIN pg_catalog.pg_class tc ON tc.oid = d.refobjid LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = "
      "tc.relnamespace LEFT JOIN pg_catalog.pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = "
      "d.refobjsubid WHERE " + schema_condition(scope) +
      // An identity column's sequence (an internal dependency) is part of its column.
      " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_class'::regclass AND "
      "e.objid = c.oid AND e.deptype IN ('e', 'i'))");
  for (const auto& row : rows) {
    schema::Sequence q;
    q.name = {value_of(row, 0), value_of(row, 1)};
    q.type = value_of(row, 2);
    q.start = std::stoll(value_of(row, 3));
    q.increment = std::stoll(value_of(row, 4));
    q.min_value = std::stoll(value_of(row, 5));
    q.max_value = std::stoll(value_of(row, 6));
    q.cache = std::stoll(value_of(row, 7));
    q.cycle = flag_of(row, 8);
    if (row.size() > 10 && row[10]) {
      q.owned_by_table = schema::Name{value_of(row, 9), value_of(row, 10)};
      q.owned_by_column = value_of(row, 11);
    }
    q.comment = value_of(row, 12);
    out.sequences.push_back(std::move(q));
  }
}

/// The extensions installed in the scope's schemas (or pg_catalog, which every database has),
/// with the extensions each requires.
void PostgresBackend::read_extensions(schema::Schema& out, const SchemaScope& scope) {
  auto rows = catalog_query(
      "SELECT e.extname, n.nspname, e.extversion, pg_catalog.array_to_string(ARRAY(SELECT r.extname FROM "
      "pg_catalog.pg_depend d JOIN pg_catalog.pg_extension r ON r.oid = d.refobjid WHERE d.classid = "
      "'pg_catalog.pg_extension'::pg_catalog.regclass AND d.objid = e.oid AND d.refclassid = "
      "'pg_catalog.pg_extension'::pg_catalog.regclass AND r.extname <> 'plpgsql' ORDER BY 1), E'\\x1f') "
      "FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> "
      "'plpgsql' AND (n.nspname = 'pg_catalog' OR " + schema_condition(scope) + ")");
  for (const auto& row : rows) out.extensions.push_back({value_of(row, 0), value_of(row, 1), value_of(row, 2), list_of(row, 3)});
}

void PostgresBackend::read_types(schema::Schema& out, const SchemaScope& scope) {
  auto rows = catalog_query(
      "SELECT n.nspname, t.typname, t.typtype, pg_catalog.array_to_string(ARRAY(SELECT e.enumlabel FROM "
      "pg_catalog.pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder), E'\\x1f'), "
      "CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END, t.typnotnull, "
      "t.typdefault, pg_catalog.array_to_string(ARRAY(SELECT co.conname || E'\\x1e' || "
      "pg_catalog.pg_get_expr(co.conbin, 0, true) || E'\\x1e' || (NOT co.convalidated)::text FROM pg_catalog.pg_constraint co WHERE co.contypid = t.oid "
      "ORDER BY co.conname), E'\\x1f'), dsc.description "
      "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace" +
      description_join("dsc", "pg_type", "t.oid") + "WHERE t.typtype IN ('e', 'd') AND " + schema_condition(scope) + " AND " + not_from_extension("pg_type", "t.oid"));
  for (const auto& row : rows) {
    schema::Type t;
    t.name = {value_of(row, 0), value_of(row, 1)};
    t.kind = value_of(row, 2) == "e" ? schema::Type::Kind::enumeration : schema::Type::Kind::domain;
    t.labels = list_of(row, 3);
    t.base_type = value_of(row, 4);
    t.not_null = flag_of(row, 5);
    if (row.size() > 6 && row[6]) t.default_expression = value_of(row, 6);
    for (const auto& packed : list_of(row, 7)) {
      auto fields = util::split(packed, '\x1e');
      fields.resize(3);
      schema::Constraint check;
      check.name = fields[0];
      check.expression = fields[1];
      check.not_valid = fields[2] == "true";
      t.checks.push_back(std::move(check));
    }
    t.comment = value_of(row, 8);
    out.types.push_back(std::move(t));
  }
}

/// Functions and procedures; aggregates and window functions are not modelled.
void PostgresBackend::read_functions(schema::Schema& out, const SchemaScope& scope) {
  auto rows = catalog_query(
      "SELECT n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid), p.prokind, "
      "CASE WHEN p.prokind IN ('f', 'p') THEN pg_catalog.pg_get_functiondef(p.oid) END, "
      "dsc.description FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace" +
      description_join("dsc", "pg_proc", "p.oid") + "WHERE " + schema_condition(scope) + " AND " + not_from_extension("pg_proc", "p.oid"));
  for (const auto& row : rows) {
    schema::Name name{value_of(row, 0), value_of(row, 1)};
    auto kind = value_of(row, 3);
    if (kind != "f" && kind != "p") {
      out.unsupported.push_back({kind == "a" ? "aggregate" : "window function",
                                 name.schema + "." + name.name + "(" + value_of(row, 2) + ")",
                                 "aggregates and window functions are not part of the schema model"});
      continue;
    }
    out.functions.push_back({name, value_of(row, 2), kind == "p", value_of(row, 4), value_of(row, 5)});
  }
}

/// Triggers of tables and views (INSTEAD OF). A partition's row triggers cloned from its parent's (tgparentid, PostgreSQL 13; internal
/// before) are the parent's.
void PostgresBackend::read_triggers(schema::Schema& out, const SchemaScope& scope) {
  const char* own = server_version(*m_session) >= 130000 ? "t.tgparentid = 0 AND " : "";
  auto rows = catalog_query(
      "SELECT n.nspname, c.relname, t.tgname, pg_catalog.pg_get_triggerdef(t.oid, true), t.tgenabled <> 'D', "
      "dsc.description, t.tgenabled FROM pg_catalog.pg_trigger t JOIN "
      "pg_catalog.pg_class c ON c.oid = t.tgrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace" +
      description_join("dsc", "pg_trigger", "t.oid") + "WHERE "
      "NOT t.tgisinternal AND " + std::string(own) + relation_condition(scope, "'r', 'p', 'v'"));
  for (const auto& row : rows) {
    schema::Name table{value_of(row, 0), value_of(row, 1)};
    // ENABLE REPLICA / ENABLE ALWAYS: the model knows enabled and disabled only.
    if (auto mode = value_of(row, 6); mode == "R" || mode == "A")
      out.unsupported.push_back({"trigger option", table.schema + "." + table.name + "." + value_of(row, 2),
                                 std::string("ENABLE ") + (mode == "R" ? "REPLICA" : "ALWAYS") +
                                     " is not part of the schema model (a dump leaves the trigger enabled)"});
    out.triggers.push_back({table, value_of(row, 2), value_of(row, 3), flag_of(row, 4), value_of(row, 5)});
  }
}

void PostgresBackend::read_policies(schema::Schema& out, const SchemaScope& scope,
                                    const std::map<std::string, std::size_t>& by_oid) {
  auto rows = catalog_query(
      "SELECT pol.polrelid, pol.polname, pol.polcmd, pol.polpermissive, pg_catalog.array_to_string(ARRAY(SELECT "
      "CASE WHEN r.oid = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(r.oid) END FROM pg_catalog.unnest("
      "pol.polroles) r(oid) ORDER BY 1), E'\\x1f'), pg_catalog.pg_get_expr(pol.polqual, pol.polrelid, true), "
      "pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid, true) FROM pg_catalog.pg_policy pol JOIN "
      "pg_catalog.pg_class c ON c.oid = pol.polrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE " + table_condition(scope));
  for (const auto& row : rows) {
    auto table = by_oid.find(value_of(row, 0));
    if (table == by_oid.end()) continue;
    auto cmd = value_of(row, 2);
    schema::Policy p;
    p.name = value_of(row, 1);
    p.command = cmd == "r" ? "select" : cmd == "a" ? "insert" : cmd == "w" ? "update" : cmd == "d" ? "delete" : "all";
    p.permissive = flag_of(row, 3);
    p.roles = list_of(row, 4);
    p.using_expression = value_of(row, 5);
    p.check_expression = value_of(row, 6);
    out.tables[table->second].policies.push_back(std::move(p));
  }
}

void PostgresBackend::read_composites(schema::Schema& out, const SchemaScope& scope) {
  auto rows = catalog_query(
      "SELECT n.nspname, t.typname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
      "tdsc.description, CASE WHEN a.attcollation <> at.typcollation THEN " +
      collation_text("a.attcollation") + " END, adsc.description FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON "
      "n.oid = t.typnamespace JOIN pg_catalog.pg_class c ON c.oid = t.typrelid AND c.relkind = 'c' "
      "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
      "JOIN pg_catalog.pg_type at ON at.oid = a.atttypid" + description_join("tdsc", "pg_type", "t.oid") +
      description_join("adsc", "pg_class", "c.oid", "a.attnum") + "WHERE " + schema_condition(scope) + " AND " +
      not_from_extension("pg_type", "t.oid") + " ORDER BY n.nspname, t.typname, a.attnum");
  for (const auto& row : rows) {
    schema::Name name{value_of(row, 0), value_of(row, 1)};
    if (out.types.empty() || !(out.types.back().name == name) || out.types.back().kind != schema::Type::Kind::composite) {
      schema::Type t;
      t.name = name;
      t.kind = schema::Type::Kind::composite;
      t.comment = value_of(row, 4);
      out.types.push_back(std::move(t));
    }
    schema::Column attribute;
    attribute.name = value_of(row, 2);
    attribute.type = value_of(row, 3);
    attribute.collation = value_of(row, 5);
    attribute.comment = value_of(row, 6);
    out.types.back().attributes.push_back(std::move(attribute));
  }
}

/// What the catalog holds in scope that no class of the model covers: named, never dropped.
void PostgresBackend::read_unsupported(schema::Schema& out, const SchemaScope& scope) {
  auto rows = catalog_query(
      "SELECT 'rule', n.nspname || '.' || c.relname || ' ' || r.rulename FROM pg_catalog.pg_rewrite r JOIN "
      "pg_catalog.pg_class c ON c.oid = r.ev_class JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE r.rulename <> '_RETURN' AND " + schema_condition(scope) + " AND " + not_from_extension("pg_rewrite", "r.oid") +
      " AND " + not_from_extension("pg_class", "c.oid") +
      " UNION ALL SELECT CASE c.relkind WHEN 'f' THEN 'foreign table' ELSE 'relation of kind ' || c.relkind::text END, "
      "n.nspname || '.' || c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
      "c.relnamespace WHERE " + relation_condition(scope, "'f'") +
      " UNION ALL SELECT 'operator', n.nspname || '.' || o.oprname FROM pg_catalog.pg_operator o JOIN "
      "pg_catalog.pg_namespace n ON n.oid = o.oprnamespace WHERE " + schema_condition(scope) + " AND " +
      not_from_extension("pg_operator", "o.oid") +
      " UNION ALL SELECT 'collation', n.nspname || '.' || co.collname FROM pg_catalog.pg_collation co JOIN "
      "pg_catalog.pg_namespace n ON n.oid = co.collnamespace WHERE " + schema_condition(scope) + " AND " +
      not_from_extension("pg_collation", "co.oid") +
      // Inheritance other than partitioning (INHERITS), and storage parameters and view options
      // (WITH (...), WITH CHECK OPTION): a dump would leave them out.
      " UNION ALL SELECT 'inheritance', n.nspname || '.' || c.relname || ' inherits ' || pn.nspname || '.' || "
      "pc.relname FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid JOIN "
      "pg_catalog.pg_namespace n ON n.oid = c.relnamespace JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent "
      "JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace WHERE NOT c.relispartition AND " +
      relation_condition(scope, "'r', 'p'") +
      " UNION ALL SELECT 'relation option', n.nspname || '.' || c.relname || ' ' || "
      "pg_catalog.array_to_string(c.reloptions, ', ') FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
      "n.oid = c.relnamespace WHERE c.reloptions IS NOT NULL AND " +
      relation_condition(scope, "'r', 'p', 'm', 'v', 'i', 'I'"));
  for (const auto& row : rows)
    out.unsupported.push_back({value_of(row, 0), value_of(row, 1), "not part of the schema model"});
}

/// Object classes the model has no place for, unless an extension owns them: range, base
/// and multirange types (a range's own multirange is the range's), extended statistics,
/// text search configurations and dictionaries, operator classes and families, event
/// triggers; and comments the model has no field for (schemas, policies, view columns).
void PostgresBackend::read_unsupported_objects(schema::Schema& out, const SchemaScope& scope) {
  const std::string in_scope = " WHERE " + schema_condition(scope) + " AND ";
  auto rows = catalog_query(
      "SELECT CASE t.typtype WHEN 'r' THEN 'range type' WHEN 'm' THEN 'multirange type' ELSE 'base type' END, "
      "n.nspname || '.' || t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = "
      "t.typnamespace" + in_scope + not_from_extension("pg_type", "t.oid") + " AND (t.typtype = 'r' OR (t.typtype = "
      "'b' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.typarray = t.oid)) OR (t.typtype = 'm' AND NOT "
      "EXISTS (SELECT 1 FROM pg_catalog.pg_range r WHERE r.rngmultitypid = t.oid)))"
      " UNION ALL SELECT 'statistics', n.nspname || '.' || x.stxname FROM pg_catalog.pg_statistic_ext x JOIN "
      "pg_catalog.pg_namespace n ON n.oid = x.stxnamespace" + in_scope + not_from_extension("pg_statistic_ext", "x.oid") +
      " UNION ALL SELECT 'text search configuration', n.nspname || '.' || x.cfgname FROM pg_catalog.pg_ts_config x "
      "JOIN pg_catalog.pg_namespace n ON n.oid = x.cfgnamespace" + in_scope + not_from_extension("pg_ts_config", "x.oid") +
      " UNION ALL SELECT 'text search dictionary', n.nspname || '.' || x.dictname FROM pg_catalog.pg_ts_dict x "
      "JOIN pg_catalog.pg_namespace n ON n.oid = x.dictnamespace" + in_scope + not_from_extension("pg_ts_dict", "x.oid") +
      " UNION ALL SELECT 'operator class', n.nspname || '.' || x.opcname FROM pg_catalog.pg_opclass x "
      "JOIN pg_catalog.pg_namespace n ON n.oid = x.opcnamespace" + in_scope + not_from_extension("pg_opclass", "x.oid") +
      " UNION ALL SELECT 'operator family', n.nspname || '.' || x.opfname FROM pg_catalog.pg_opfamily x "
      "JOIN pg_catalog.pg_namespace n ON n.oid = x.opfnamespace" + in_scope + not_from_extension("pg_opfamily", "x.oid") +
      " UNION ALL SELECT 'event trigger', x.evtname FROM pg_catalog.pg_event_trigger x WHERE " +
      not_from_extension("pg_event_trigger", "x.oid") +
      // The public schema's own comment is every new database's too.
      " UNION ALL SELECT 'comment', 'schema ' || n.nspname FROM pg_catalog.pg_namespace n" +
      description_join("dsc", "pg_namespace", "n.oid") + in_scope + "dsc.description IS NOT NULL AND NOT "
      "(n.nspname = 'public' AND dsc.description = 'standard public schema')"
      " UNION ALL SELECT 'comment', 'policy ' || n.nspname || '.' || c.relname || ' ' || pol.polname FROM "
      "pg_catalog.pg_policy pol JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid JOIN pg_catalog.pg_namespace n ON "
      "n.oid = c.relnamespace" + description_join("dsc", "pg_policy", "pol.oid") + "WHERE " + table_condition(scope) +
      " AND dsc.description IS NOT NULL"
      " UNION ALL SELECT 'comment', 'column ' || n.nspname || '.' || c.relname || '.' || a.attname FROM "
      "pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON "
      "n.oid = c.relnamespace" + description_join("dsc", "pg_class", "a.attrelid", "a.attnum") +
      "WHERE a.attnum > 0 AND NOT a.attisdropped AND " + relation_condition(scope, "'v', 'm'") +
      " AND dsc.description IS NOT NULL");
  for (const auto& row : rows)
    out.unsupported.push_back({value_of(row, 0), value_of(row, 1), "not part of the schema model (a dump leaves it out)"});
}

namespace {

/// The object a pg_depend row's (classid, objid) stands for in the model, as a row (ns, name):
/// a view for its rewrite rule, a table for a column default or a check, a domain for its
/// check, a table, view or composite type for itself, a type, a function. Foreign keys,
/// indexes and triggers are left out: they are created after every table and view.
constexpr const char* k_dependent_object =
    "SELECT c.relnamespace AS ns, c.relname AS name FROM pg_catalog.pg_class c WHERE d.classid = "
    "'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = d.objid AND c.relkind IN ('r', 'p', 'v', 'm', 'c') "
    "UNION ALL SELECT c.relnamespace, c.relname FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = "
    "r.ev_class WHERE d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND r.oid = d.objid "
    "UNION ALL SELECT c.relnamespace, c.relname FROM pg_catalog.pg_attrdef ad JOIN pg_catalog.pg_class c ON c.oid = "
    "ad.adrelid WHERE d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass AND ad.oid = d.objid "
    "UNION ALL SELECT coalesce(c.relnamespace, t.typnamespace), coalesce(c.relname, t.typname) FROM "
    "pg_catalog.pg_constraint co LEFT JOIN pg_catalog.pg_class c ON c.oid = co.conrelid LEFT JOIN pg_catalog.pg_type t "
    "ON t.oid = co.contypid WHERE d.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND co.oid = d.objid "
    "AND co.contype = 'c' "
    "UNION ALL SELECT t.typnamespace, t.typname FROM pg_catalog.pg_type t WHERE d.classid = "
    "'pg_catalog.pg_type'::pg_catalog.regclass AND t.oid = d.objid "
    "UNION ALL SELECT p.pronamespace, p.proname FROM pg_catalog.pg_proc p WHERE d.classid = "
    "'pg_catalog.pg_proc'::pg_catalog.regclass AND p.oid = d.objid";

/// The object a pg_depend row's (refclassid, refobjid) stands for: a relation (any column of
/// it), a type (an array type for its element type: a table's row type is named as the
/// table), a function.
constexpr const char* k_referenced_object =
    "SELECT c.relnamespace AS ns, c.relname AS name FROM pg_catalog.pg_class c WHERE d.refclassid = "
    "'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = d.refobjid "
    "UNION ALL SELECT coalesce(e.typnamespace, t.typnamespace), coalesce(e.typname, t.typname) FROM "
    "pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_type e ON t.typcategory = 'A' AND e.oid = t.typelem WHERE "
    "d.refclassid = 'pg_catalog.pg_type'::pg_catalog.regclass AND t.oid = d.refobjid "
    "UNION ALL SELECT p.pronamespace, p.proname FROM pg_catalog.pg_proc p WHERE d.refclassid = "
    "'pg_catalog.pg_proc'::pg_catalog.regclass AND p.oid = d.refobjid";

/// Every object of the model that `name` names (a function's overloads share its name).
template <typename F>
void for_each_named(schema::Schema& s, const schema::Name& name, F f) {
  for (auto& t : s.types) if (t.name == name) f(t.depends_on);
  for (auto& x : s.functions) if (x.name == name) f(x.depends_on);
  for (auto& t : s.tables) if (t.name == name) f(t.depends_on);
  for (auto& v : s.views) if (v.name == name) f(v.depends_on);
}

}  // namespace

/// What the types, functions, tables and views of the scope need to exist first, from
/// pg_depend's normal dependencies: a function's argument and result types and the relations
/// its SQL-standard body reads, a view's relations and functions, a table's column types and
/// the functions its defaults and checks call, a domain's base type and functions. Only
/// objects of the model count (a sequence, a pg_catalog type or an extension's function is
/// there before any of them).
void PostgresBackend::read_dependencies(schema::Schema& out, const SchemaScope& scope) {
  auto in_scope = [&](const char* ns) {
    return std::string("EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.oid = ") + ns + " AND " +
           schema_condition(scope) + ")";
  };
  // Named schemas (a tenant's, in a database of a thousand): only the pg_depend rows that
  // reference one of their relations, types or functions, found through pg_depend's index,
  // rather than every row of the database resolved first.
  std::string referenced_in_scope;
  if (!scope.schemas.empty()) {
    const auto cond = schema_condition(scope);
    referenced_in_scope =
        " AND (d.refclassid, d.refobjid) IN (SELECT 'pg_catalog.pg_class'::pg_catalog.regclass, c.oid FROM "
        "pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE " + cond +
        " UNION ALL SELECT 'pg_catalog.pg_type'::pg_catalog.regclass, t.oid FROM pg_catalog.pg_type t JOIN "
        "pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE " + cond +
        " UNION ALL SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass, p.oid FROM pg_catalog.pg_proc p JOIN "
        "pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE " + cond + ")";
  }
  auto rows = catalog_query(
      std::string("SELECT DISTINCT dn.nspname, dep.name, rn.nspname, ref.name FROM pg_catalog.pg_depend d "
                  "CROSS JOIN LATERAL (") + k_dependent_object + ") dep CROSS JOIN LATERAL (" + k_referenced_object +
      ") ref JOIN pg_catalog.pg_namespace dn ON dn.oid = dep.ns JOIN pg_catalog.pg_namespace rn ON rn.oid = ref.ns "
      "WHERE d.deptype = 'n'" + referenced_in_scope + " AND " + in_scope("dep.ns") + " AND " + in_scope("ref.ns"));
  for (const auto& row : rows) {
    schema::Name dependent{value_of(row, 0), value_of(row, 1)}, referenced{value_of(row, 2), value_of(row, 3)};
    if (dependent == referenced) continue;
    bool modelled = false;
    for_each_named(out, referenced, [&](std::vector<schema::Name>&) { modelled = true; });
    if (modelled) for_each_named(out, dependent, [&](std::vector<schema::Name>& d) { d.push_back(referenced); });
  }
}

std::vector<Row> PostgresBackend::catalog_query(std::string_view sql) {
  ++m_read_queries;
  return query(sql);
}

schema::Schema PostgresBackend::read_catalog(const SchemaScope& scope) {
  schema::Schema out;
  out.dialect = Dialect::postgresql;
  read_schemas(out, scope);
  std::map<std::string, std::size_t> by_oid;
  read_tables(out, scope, by_oid);
  read_columns(out, scope, by_oid);
  read_constraints(out, scope, by_oid);
  read_indexes(out, scope);
  read_views(out, scope);
  read_sequences(out, scope);
  read_extensions(out, scope);
  read_types(out, scope);
  read_composites(out, scope);
  read_functions(out, scope);
  read_triggers(out, scope);
  read_policies(out, scope, by_oid);
  read_unsupported(out, scope);
  read_unsupported_objects(out, scope);
  read_dependencies(out, scope);
  schema::canonicalize(out);
  return out;
}

/// Sets search_path to pg_catalog alone and jit off, and returns the session's values of both
/// (as "path<US>jit", which restore_search_path takes). The catalog queries' cost estimates are
/// high enough to make the server compile them (JIT), which takes longer than running them.
/// Inside a transaction the settings are local to it (set_config's is_local), so whatever
/// happens the transaction's end takes them away, and a path the transaction set itself (SET
/// LOCAL included) is what is restored and what stays after COMMIT.
std::string PostgresBackend::pin_search_path(bool local) {
  const std::string is_local = local ? "true" : "false";
  // OFFSET 0 keeps the subquery apart: the old values are read before set_config runs.
  auto rows = catalog_query("SELECT s.path, s.jit, pg_catalog.set_config('search_path', 'pg_catalog', " + is_local +
                            "), pg_catalog.set_config('jit', 'off', " + is_local +
                            ") FROM (SELECT pg_catalog.current_setting('search_path') AS path, "
                            "pg_catalog.current_setting('jit') AS jit OFFSET 0) s");
  return value_of(rows.at(0), 0) + k_separator + value_of(rows.at(0), 1);
}

void PostgresBackend::restore_search_path(const std::string& settings, bool local) {
  const auto separator = settings.rfind(k_separator);
  const auto path = settings.substr(0, separator), jit = settings.substr(separator + 1);
  const std::string is_local = local ? "true" : "false";
  catalog_query("SELECT pg_catalog.set_config('search_path', " + m_session->literal(path) + ", " + is_local +
                "), pg_catalog.set_config('jit', " + m_session->literal(jit) + ", " + is_local + ")");
}

namespace {

/// The settings whose values change what the model holds: the encodings its text arrives
/// in, and how the server prints constants in expressions (a date, an interval, a float, a
/// bytea, a string with a backslash) and names (quoting every one).
constexpr const char* k_rendering_settings[] = {
    "client_encoding", "server_encoding", "DateStyle",   "IntervalStyle",
    "TimeZone",        "extra_float_digits", "bytea_output", "quote_all_identifiers",
    "standard_conforming_strings", "lc_monetary"};

/// Catalogs of this database whose rows change without any DDL (statistics, large objects,
/// replication state), or that hold credentials: the model reads none of them.
constexpr const char* k_data_catalogs =
    "'pg_statistic', 'pg_statistic_ext_data', 'pg_largeobject', 'pg_largeobject_metadata', 'pg_subscription_rel', "
    "'pg_user_mapping'";

/// The 64-bit hash of a catalog row's (ctid, xmin), as an expression of the per-catalog query
/// (quotes doubled: it sits in a literal). From PostgreSQL 14 on (the servers this form is
/// used and tested with; older ones take the text form) the tid is hashed directly, seeded
/// with the xmin, a third faster than hashing both as text: at 10,000 tables the digest
/// visits about 430,000 rows, and the per-row expression is most of its cost.
std::string row_hash(int server_version) {
  if (server_version >= 140000)
    return "pg_catalog.hashtidextended(ctid, xmin::pg_catalog.text::pg_catalog.int8)";
  return "pg_catalog.hashtextextended(ctid::pg_catalog.text || '' '' || xmin::pg_catalog.text, 0)";
}

/// One row: the server's version, each rendering setting, the names of the roles policies
/// apply to, and for every other catalog of this database that the session may read its row
/// count and the sum of a 64-bit hash of each row's (ctid, xmin) (query_to_xml runs the
/// per-catalog query the list of catalogs names, in one round trip). The sum of bigints is
/// exact (numeric).
std::string catalog_digest_query(int server_version) {
  std::string sql = "SELECT pg_catalog.current_setting('server_version_num')";
  for (const char* setting : k_rendering_settings) sql += std::string(", pg_catalog.current_setting('") + setting + "')";
  sql +=
      ", (SELECT pg_catalog.string_agg(p.oid::pg_catalog.text || ' ' || r.rolname, ',' ORDER BY p.oid, r.rolname) "
      "FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_roles r ON r.oid = ANY (p.polroles)), "
      "(SELECT pg_catalog.string_agg(c.relname || '=' || (pg_catalog.xpath('/row/d/text()', pg_catalog.query_to_xml("
      "pg_catalog.format('SELECT pg_catalog.count(*) || '':'' || coalesce(pg_catalog.sum(" +
      row_hash(server_version) +
      "), 0) AS d FROM pg_catalog.%I', c.relname), false, true, '')))[1]::pg_catalog.text, ',' ORDER BY c.relname) "
      // The privilege check only for the catalogs, never for each relation of the database:
      // OFFSET 0 keeps the planner from moving it into the scan of pg_class, where a session's
      // first check of 50,000 relations took 100 ms.
      "FROM (SELECT c.oid, c.relname FROM pg_catalog.pg_class c WHERE c.relnamespace = "
      "'pg_catalog'::pg_catalog.regnamespace AND c.relkind = 'r' AND NOT c.relisshared AND c.relname NOT IN (" +
      std::string(k_data_catalogs) + ") OFFSET 0) c WHERE pg_catalog.has_table_privilege(c.oid, 'SELECT'))";
  return sql;
}

}  // namespace

/// Every catalog row version the model can be built from is counted by where it lies (ctid)
/// and the transaction that wrote it (xmin): DDL never changes a catalog row in place except
/// for statistics and flags the model does not read (relpages, relhasindex, indisvalid,
/// frozen transaction ids), so a change adds, removes or replaces rows, and a replaced row
/// is a new version in another place, also within one transaction. So the multiset of pairs
/// changes, and with it, but for a hash collision, the sum. Shared catalogs are left out
/// (other databases' roles and databases come and go); role names reach the model through
/// policies, whose roles are hashed by name. A catalog the session may not read is left out
/// too (the list of catalogs is hashed, so another role's digest differs).
std::string PostgresBackend::catalog_digest(const SchemaScope& scope) {
  CatalogDigest digest(scope);
  for (const auto& row : query(catalog_digest_query(server_version(*m_session)))) digest.add(row);
  return digest.finish();
}

/// The catalog read with search_path = pg_catalog, so that the catalog's texts do not depend
/// on the session's path; the session's path is restored afterwards, also when the read
/// fails (unless the failure aborted the transaction, whose rollback restores it).
schema::Schema PostgresBackend::read_schema(const SchemaScope& scope) {
  m_read_queries = 0;
  const bool local = in_transaction();
  const auto path = pin_search_path(local);
  schema::Schema out;
  try {
    out = read_catalog(scope);
  } catch (...) {
    PGconn* conn = m_session->raw();
    if (conn && PQtransactionStatus(conn) != PQTRANS_INERROR) {
      try {
        restore_search_path(path, local);
      } catch (...) {  // the read's own error is the one to report
      }
    }
    throw;
  }
  restore_search_path(path, local);
  return out;
}

}  // namespace migrate::backend::postgres
