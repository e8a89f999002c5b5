#include "schema/diff.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <type_traits>
#include <utility>

#include "schema/match.hpp"
#include "util/strings.hpp"

namespace migrate::schema {
namespace {

using Change = Difference::Change;

/// An object's attributes in the order its canonical text writes them; every attribute is
/// always present (absent values spelled out), so two objects' lists line up one to one.
using Attributes = std::vector<std::pair<std::string, std::string>>;

/// What a difference needs to know of one object.
struct Facts {
  std::string kind;
  std::string object;
  std::string summary;  ///< the short description of a missing or extra object
  Attributes attributes;
};

const char* k_none = "(none)";

std::string display(const Name& n) { return n.schema.empty() ? n.name : n.schema + "." + n.name; }

std::string or_none(const std::string& value) { return value.empty() ? k_none : value; }

std::string flag(bool value) { return value ? "true" : "false"; }

std::string optional_text(const std::optional<std::string>& value) { return value ? *value : k_none; }

std::string list(const std::vector<std::string>& values) { return util::join(values, ", "); }

std::string names(const std::vector<Name>& values) {
  std::vector<std::string> out;
  for (const auto& n : values) out.push_back(display(n));
  return list(out);
}

Facts column_facts(const Column& c, const std::string& table) {
  return {"column", table + "." + c.name, column_summary(c),
          {{"name", c.name},
           {"type", c.type},
           {"not null", flag(c.not_null)},
           {"default", optional_text(c.default_expression)},
           {"identity", c.identity},
           {"generated", optional_text(c.generated)},
           {"stored", flag(c.generated_stored)},
           {"collation", c.collation},
           {"comment", c.comment}}};
}

/// `primary key (id)`, `check (price > 0)`, `foreign key (user_id) references users (id)`.
std::string constraint_summary(const Constraint& c) {
  std::string out = to_string(c.kind);
  if (!c.columns.empty()) out += " (" + list(c.columns) + ")";
  if (!c.expression.empty()) out += " " + (c.kind == ConstraintKind::check ? "(" + c.expression + ")" : c.expression);
  if (c.foreign_key)
    out += " references " + display(c.foreign_key->parent) + " (" + list(c.foreign_key->parent_columns) + ")";
  return out;
}

Facts constraint_facts(const Constraint& c, const std::string& table) {
  const ForeignKey fk = c.foreign_key.value_or(ForeignKey{});
  const bool has_fk = c.foreign_key.has_value();
  return {"constraint", c.name.empty() ? table + ": " + constraint_summary(c) : table + "." + c.name,
          constraint_summary(c),
          {{"name", c.name},
           {"kind", to_string(c.kind)},
           {"columns", list(c.columns)},
           {"expression", c.expression},
           {"references", has_fk ? display(fk.parent) : k_none},
           {"parent columns", list(fk.parent_columns)},
           {"on update", has_fk ? fk.on_update : k_none},
           {"on delete", has_fk ? fk.on_delete : k_none},
           {"match", has_fk ? fk.match : k_none},
           {"deferrable", flag(c.deferrable)},
           {"initially deferred", flag(c.initially_deferred)},
           {"not valid", flag(c.not_valid)},
           {"comment", c.comment}}};
}

Facts policy_facts(const Policy& p, const std::string& table) {
  return {"policy", table + "." + p.name, "for " + p.command,
          {{"name", p.name},
           {"command", p.command},
           {"permissive", flag(p.permissive)},
           {"roles", list(p.roles)},
           {"using", p.using_expression},
           {"with check", p.check_expression}}};
}

Facts table_facts(const Table& t) {
  return {"table", display(t.name), std::to_string(t.columns.size()) + " columns",
          {{"name", t.name.name},
           {"strict", flag(t.strict)},
           {"without rowid", flag(t.without_rowid)},
           {"unlogged", flag(t.unlogged)},
           {"partition by", t.partition_key},
           {"partition of", t.partition_of ? display(*t.partition_of) : k_none},
           {"partition bound", t.partition_bound},
           {"depends on", names(t.depends_on)},
           {"row security", flag(t.row_security)},
           {"force row security", flag(t.force_row_security)},
           {"comment", t.comment}}};
}

std::string index_key_text(const IndexKey& k) {
  std::string out = k.column.empty() ? "(" + k.expression + ")" : k.column;
  if (!k.collation.empty()) out += " COLLATE " + k.collation;
  if (!k.opclass.empty()) out += " " + k.opclass;
  if (k.descending) out += " DESC";
  if (k.nulls_first) out += *k.nulls_first ? " NULLS FIRST" : " NULLS LAST";
  return out;
}

Facts index_facts(const Index& i) {
  std::vector<std::string> keys;
  for (const auto& k : i.keys) keys.push_back(index_key_text(k));
  const std::string summary = (i.unique ? "unique " : "") + i.method + " on " + i.table + " (" + list(keys) + ")";
  return {"index", display(i.name), summary,
          {{"name", i.name.name},
           {"table", i.table},
           {"unique", flag(i.unique)},
           {"method", i.method},
           {"keys", list(keys)},
           {"include", list(i.include)},
           {"where", i.where},
           {"comment", i.comment}}};
}

std::string type_column_text(const Column& c) {
  std::string out = c.name + " " + column_summary(c);
  if (!c.collation.empty()) out += " COLLATE " + c.collation;
  if (!c.comment.empty()) out += " COMMENT " + c.comment;
  return out;
}

std::string domain_check_text(const Constraint& c) {
  std::string out = c.name + " CHECK (" + c.expression + ")";
  if (c.not_valid) out += " NOT VALID";
  if (!c.comment.empty()) out += " COMMENT " + c.comment;
  return out;
}

Facts type_facts(const Type& t) {
  std::vector<std::string> checks, attributes;
  for (const auto& c : t.checks) checks.push_back(domain_check_text(c));
  for (const auto& a : t.attributes) attributes.push_back(type_column_text(a));
  return {"type", display(t.name), t.kind == Type::Kind::domain ? "domain over " + t.base_type : to_string(t.kind),
          {{"name", t.name.name},
           {"kind", to_string(t.kind)},
           {"labels", list(t.labels)},
           {"base type", t.base_type},
           {"not null", flag(t.not_null)},
           {"default", optional_text(t.default_expression)},
           {"checks", list(checks)},
           {"attributes", list(attributes)},
           {"depends on", names(t.depends_on)},
           {"comment", t.comment}}};
}

Facts sequence_facts(const Sequence& s) {
  return {"sequence", display(s.name), s.type,
          {{"name", s.name.name},
           {"type", s.type},
           {"start", std::to_string(s.start)},
           {"increment", std::to_string(s.increment)},
           {"min", std::to_string(s.min_value)},
           {"max", std::to_string(s.max_value)},
           {"cache", std::to_string(s.cache)},
           {"cycle", flag(s.cycle)},
           {"owned by", s.owned_by_table ? display(*s.owned_by_table) + "." + s.owned_by_column : k_none},
           {"comment", s.comment}}};
}

Facts extension_facts(const Extension& e) {
  return {"extension", e.name, "version " + e.version + " in " + e.schema,
          {{"name", e.name}, {"schema", e.schema}, {"version", e.version}, {"requires", list(e.requires_extensions)}}};
}

Facts view_facts(const View& v) {
  return {v.materialized ? "materialized view" : "view", display(v.name), list(v.columns),
          {{"name", v.name.name},
           {"materialized", flag(v.materialized)},
           {"columns", list(v.columns)},
           {"definition", v.definition},
           {"depends on", names(v.depends_on)},
           {"comment", v.comment}}};
}

Facts function_facts(const Function& f) {
  return {f.procedure ? "procedure" : "function", display(f.name) + "(" + f.arguments + ")", "",
          {{"name", f.name.name},
           {"procedure", flag(f.procedure)},
           {"definition", f.definition},
           {"depends on", names(f.depends_on)},
           {"comment", f.comment}}};
}

Facts trigger_facts(const Trigger& t) {
  return {"trigger", display(t.table) + "." + t.name, "",
          {{"table", display(t.table)},
           {"name", t.name},
           {"definition", t.definition},
           {"enabled", flag(t.enabled)},
           {"comment", t.comment}}};
}

using match_detail::match;

class Differ {
 public:
  explicit Differ(Dialect dialect) : m_dialect(dialect) {}

  std::vector<Difference> take() { return std::move(m_out); }

  std::string key(const std::string& name) const { return name_key(name, m_dialect); }
  std::pair<std::string, std::string> key(const Name& n) const { return {key(n.schema), key(n.name)}; }

  void add(Change change, const std::string& kind, const std::string& object, const std::string& attribute,
           const std::string& expected, const std::string& actual) {
    m_out.push_back({change, kind, object, attribute, expected, actual});
  }

  /// Each attribute whose value differs, named by the expected object.
  void changed(const Facts& expected, const Facts& actual) {
    for (std::size_t i = 0; i < expected.attributes.size() && i < actual.attributes.size(); ++i) {
      const auto& [attribute, value] = expected.attributes[i];
      if (value != actual.attributes[i].second)
        add(Change::changed, expected.kind, expected.object, attribute, value, actual.attributes[i].second);
    }
  }

  /// Missing, extra and changed objects of one set; `both` compares a matched pair.
  template <typename T, typename KeyOf, typename FactsOf, typename Both>
  void sets(const std::vector<T>& expected, const std::vector<T>& actual, KeyOf key_of, FactsOf facts_of, Both both) {
    match(expected, actual, key_of, [&](const T* e, const T* a) {
      if (e && a) return both(*e, *a);
      const Facts f = facts_of(e ? *e : *a);
      if (e) add(Change::missing, f.kind, f.object, "", f.summary, "");
      else add(Change::extra, f.kind, f.object, "", "", f.summary);
    });
  }

  template <typename T, typename KeyOf, typename FactsOf>
  void sets(const std::vector<T>& expected, const std::vector<T>& actual, KeyOf key_of, FactsOf facts_of) {
    sets(expected, actual, key_of, facts_of, [&](const T& e, const T& a) { changed(facts_of(e), facts_of(a)); });
  }

  void tables(const Table& expected, const Table& actual);

 private:
  void column_order(const Table& expected, const Table& actual);

  Dialect m_dialect;
  std::vector<Difference> m_out;
};

/// The names of `columns` that `other` has too, in `columns`' order.
std::vector<std::string> common_columns(const std::vector<Column>& columns, const std::vector<Column>& other,
                                        const Differ& differ) {
  std::vector<std::string> out;
  for (const auto& c : columns) {
    for (const auto& o : other) {
      if (differ.key(c.name) == differ.key(o.name)) {
        out.push_back(c.name);
        break;
      }
    }
  }
  return out;
}

void Differ::column_order(const Table& expected, const Table& actual) {
  auto in_expected = common_columns(expected.columns, actual.columns, *this);
  auto in_actual = common_columns(actual.columns, expected.columns, *this);
  bool same = true;
  for (std::size_t i = 0; i < in_expected.size(); ++i) same = same && key(in_expected[i]) == key(in_actual[i]);
  if (!same) add(Change::changed, "table", display(expected.name), "position", list(in_expected), list(in_actual));
}

void Differ::tables(const Table& expected, const Table& actual) {
  changed(table_facts(expected), table_facts(actual));
  column_order(expected, actual);
  const std::string table = display(expected.name);
  sets(expected.columns, actual.columns, [&](const Column& c) { return key(c.name); },
       [&](const Column& c) { return column_facts(c, table); });
  sets(expected.constraints, actual.constraints,
       [&](const Constraint& c) { return match_detail::constraint_key(c, m_dialect); },
       [&](const Constraint& c) { return constraint_facts(c, table); });
  sets(expected.policies, actual.policies, [&](const Policy& p) { return key(p.name); },
       [&](const Policy& p) { return policy_facts(p, table); });
}

}  // namespace

std::vector<Difference> compare(const Schema& expected_schema, const Schema& actual_schema) {
  return compare_canonical(canonical_copy(expected_schema), canonical_copy(actual_schema));
}

std::vector<Difference> compare_canonical(const Schema& expected, const Schema& actual) {
  Differ d(expected.dialect);
  auto by_name = [&](const auto& object) { return d.key(object.name); };
  d.sets(expected.schemas, actual.schemas, [&](const std::string& s) { return d.key(s); },
         [](const std::string& s) { return Facts{"schema", s, "", {}}; });
  d.sets(expected.extensions, actual.extensions, by_name, extension_facts);
  d.sets(expected.types, actual.types, by_name, type_facts);
  d.sets(expected.sequences, actual.sequences, by_name, sequence_facts);
  d.sets(expected.tables, actual.tables, by_name, table_facts,
         [&](const Table& e, const Table& a) { d.tables(e, a); });
  d.sets(expected.indexes, actual.indexes, by_name, index_facts);
  d.sets(expected.views, actual.views, by_name, view_facts);
  d.sets(expected.functions, actual.functions,
         [&](const Function& f) { return std::make_pair(d.key(f.name), f.arguments); }, function_facts);
  d.sets(expected.triggers, actual.triggers,
         [&](const Trigger& t) { return std::make_pair(d.key(t.table), d.key(t.name)); }, trigger_facts);
  return d.take();
}

std::string column_summary(const Column& c) {
  std::string out = c.type;
  if (c.not_null) out += " NOT NULL";
  if (c.default_expression) out += " DEFAULT " + *c.default_expression;
  if (c.generated) out += " GENERATED (" + *c.generated + ")";
  return out;
}

const char* to_string(Change change) {
  switch (change) {
    case Change::missing: return "missing";
    case Change::extra: return "extra";
    case Change::changed: return "changed";
  }
  return "changed";
}

std::string describe(const Difference& d) {
  std::string out = std::string(to_string(d.change)) + " " + d.kind + " " + d.object;
  if (d.change == Change::changed)
    return out + " " + d.attribute + ": expected " + or_none(d.expected) + ", actual " + or_none(d.actual);
  const std::string& summary = d.change == Change::missing ? d.expected : d.actual;
  return summary.empty() ? out : out + " (" + summary + ")";
}

}  // namespace migrate::schema
