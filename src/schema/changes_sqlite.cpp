// The change planner for SQLite tables. SQLite alters little in place: ADD COLUMN (a column
// that is nullable or has a constant default, is no key and not a STORED generated one, with
// at most an unnamed foreign key of its own, declared inline) and
// DROP COLUMN (a column no constraint, index or generated column uses). Every other change is
// the rebuild SQLite documents: create the new table under another name, copy the common
// columns, drop the old one, rename the new one; its indexes and triggers are created again,
// and the views and triggers that name it are dropped before and created again after.
#include <algorithm>
#include <map>
#include <set>

#include "schema/changes_internal.hpp"
#include "schema/diff.hpp"
#include "schema/match.hpp"
#include "schema/render_internal.hpp"
#include "util/strings.hpp"

namespace migrate::schema::changes_detail {
namespace {

using match_detail::match;
using namespace render_detail;

/// How `from` becomes `to`, column by column.
struct ColumnPlan {
  std::vector<const Column*> dropped, added;
  std::vector<std::pair<const Column*, const Column*>> common;  ///< in `to`'s order
  bool changed = false;                                         ///< a common column differs, or their order does
};

ColumnPlan plan_columns(const Planner& p, const Table& from, const Table& to) {
  ColumnPlan out;
  auto key = [&](const Column& c) { return p.key(c.name); };
  match(from.columns, to.columns, key, [&](const Column* f, const Column* t) {
    if (!t) out.dropped.push_back(f);
    if (!f) out.added.push_back(t);
  });
  // Appended in the target's order (match visits by name), so that they land where it has them.
  std::sort(out.added.begin(), out.added.end(), [](const Column* a, const Column* b) { return a < b; });
  std::vector<std::string> from_order;
  for (const auto& c : from.columns)
    if (std::none_of(out.dropped.begin(), out.dropped.end(), [&](const Column* d) { return d == &c; }))
      from_order.push_back(p.key(c.name));
  for (const auto& t : to.columns) {
    for (const auto& f : from.columns)
      if (p.key(f.name) == p.key(t.name)) out.common.emplace_back(&f, &t), out.changed = out.changed || !(f == t);
  }
  for (std::size_t i = 0; i < out.common.size(); ++i)
    out.changed = out.changed || from_order[i] != p.key(out.common[i].second->name);
  // ADD COLUMN appends: every added column must come after every common one.
  for (std::size_t i = 0; i < out.common.size(); ++i)
    out.changed = out.changed || p.key(to.columns[i].name) != p.key(out.common[i].second->name);
  return out;
}

bool constant_default(const std::string& d) {
  const std::string upper = util::to_upper(d);
  return !d.empty() && d[0] != '(' && upper != "CURRENT_TIME" && upper != "CURRENT_DATE" &&
         upper != "CURRENT_TIMESTAMP";
}

bool in_keys(const Planner& p, const Table& t, const Column& c, bool any_kind) {
  for (const auto& k : t.constraints) {
    if (!any_kind && k.kind != ConstraintKind::primary_key && k.kind != ConstraintKind::unique) continue;
    for (const auto& column : k.columns)
      if (p.key(column) == p.key(c.name)) return true;
    if (any_kind && identifiers_in(k.expression, Dialect::sqlite).count(folded(c.name, Dialect::sqlite))) return true;
  }
  return false;
}

/// What SQLite's ALTER TABLE ADD COLUMN accepts.
bool can_add(const Planner& p, const Table& to, const Column& c) {
  if (c.generated && c.generated_stored) return false;
  if (c.not_null && !(c.default_expression && util::to_upper(*c.default_expression) != "NULL")) return false;
  if (c.default_expression && !constant_default(*c.default_expression)) return false;
  return !in_keys(p, to, c, false) && c.identity.empty();
}

/// What SQLite's ALTER TABLE DROP COLUMN accepts: no constraint and no generated column uses it.
bool can_drop(const Planner& p, const Table& from, const Column& c) {
  if (in_keys(p, from, c, true)) return false;
  for (const auto& other : from.columns)
    if (other.generated && identifiers_in(*other.generated, Dialect::sqlite).count(folded(c.name, Dialect::sqlite)))
      return false;
  return true;
}

/// Whether the constraints stay the same but for foreign keys that ADD COLUMN can declare: an
/// unnamed key on one added column without a default (SQLite refuses a key column with a
/// default). Those keys go to `inline_keys` by column; `dropped`: a constraint goes away.
bool same_constraints(const Planner& p, const Table& from, const Table& to, const ColumnPlan& columns,
                      std::map<std::string, const Constraint*>& inline_keys, bool& dropped) {
  bool same = true;
  auto key = [&](const Constraint& c) { return match_detail::constraint_key(c, p.dialect); };
  auto added_column = [&](const Constraint& c) -> const Column* {
    if (c.kind != ConstraintKind::foreign_key || !c.name.empty() || c.columns.size() != 1) return nullptr;
    for (const auto* added : columns.added)
      if (p.key(added->name) == p.key(c.columns[0]) && !added->default_expression) return added;
    return nullptr;
  };
  match(from.constraints, to.constraints, key, [&](const Constraint* f, const Constraint* t) {
    if (f && t && *f == *t) return;
    const Column* added = t && !f ? added_column(*t) : nullptr;
    if (added && !inline_keys.count(p.key(added->name))) return (void)(inline_keys[p.key(added->name)] = t);
    same = false;
    dropped = dropped || f;
  });
  return same;
}

std::string names_of(const std::vector<std::string>& names) { return column_list(names, Dialect::sqlite); }

/// Whether `x`, from `from`, is in `to` unchanged.
template <typename T, typename KeyOf>
bool kept(const std::vector<T>& to, const T& x, KeyOf key_of) {
  return std::any_of(to.begin(), to.end(), [&](const T& y) { return key_of(y) == key_of(x) && y == x; });
}

/// Whether something the rebuild of `table` drops and creates again (its indexes and triggers,
/// the views and triggers naming it or naming those views) changes or goes: dropping that is
/// destructive, and the rebuild cannot run without it (SQLite's RENAME refuses a view naming
/// a missing table), so the rebuild is as destructive.
bool dependents_change(const Planner& p, const Table& table) {
  std::set<std::string> names = {p.key(table.name.name)};
  auto names_one = [&](const std::string& text) {
    for (const auto& name : identifiers_in(text, Dialect::sqlite))
      if (names.count(name)) return true;
    return false;
  };
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& v : p.from.views)
      if (!names.count(p.key(v.name.name)) && names_one(v.definition)) grew = names.insert(p.key(v.name.name)).second;
  }
  auto by_name = [&](const auto& x) { return p.key(x.name); };
  for (const auto& v : p.from.views)
    if (names.count(p.key(v.name.name)) && !kept(p.to.views, v, by_name)) return true;
  for (const auto& i : p.from.indexes)
    if (p.key(i.table) == p.key(table.name.name) && !kept(p.to.indexes, i, by_name)) return true;
  auto trigger_key = [&](const Trigger& t) { return std::make_pair(p.key(t.table), p.key(t.name)); };
  for (const auto& t : p.from.triggers)
    if ((names.count(p.key(t.table.name)) || names_one(t.definition)) && !kept(p.to.triggers, t, trigger_key))
      return true;
  return false;
}

void rebuild(Planner& p, const Table& from, const Table& to, const ColumnPlan& columns, bool destructive) {
  std::vector<std::string> into, selected;
  for (const auto& [f, t] : columns.common) {
    if (t->generated) continue;  // computed, never written
    into.push_back(t->name);
    selected.push_back(f->name);
  }
  std::string copy = "new_" + to.name.name;
  auto taken = [&](const std::string& name) {
    auto named = [&](const Table& t) { return p.key(t.name.name) == p.key(name); };
    return std::any_of(p.from.tables.begin(), p.from.tables.end(), named) ||
           std::any_of(p.to.tables.begin(), p.to.tables.end(), named);
  };
  while (taken(copy)) copy = "_" + copy;
  std::string sql =
      "-- Rebuild of " + sqlite_name(to.name.name) +
      " (SQLite cannot make this change in place). Foreign keys are not enforced meanwhile: the\n"
      "-- runner switches them off before the transaction and runs PRAGMA foreign_key_check before it commits.\n";
  sql += sqlite_table(to, copy);
  if (!into.empty())
    sql += "INSERT INTO " + sqlite_name(copy) + " " + names_of(into) + "\n    SELECT " +
           names_of(selected).substr(1, names_of(selected).size() - 2) + " FROM " + sqlite_name(from.name.name) + ";\n";
  sql += "DROP TABLE " + sqlite_name(from.name.name) + ";\n";
  sql += "ALTER TABLE " + sqlite_name(copy) + " RENAME TO " + sqlite_name(to.name.name) + ";\n";
  p.replace(from.name, destructive);
  p.add(Phase::alter_tables,
        "rebuild table " + to.name.name + (destructive ? " (drops or changes columns or constraints)" : ""), sql,
        destructive);
}

void note_rename(Planner& p, const Table& to, const ColumnPlan& columns) {
  if (columns.dropped.empty() || columns.added.empty()) return;
  std::vector<std::string> dropped, added;
  for (const auto* c : columns.dropped) dropped.push_back(c->name);
  for (const auto* c : columns.added) added.push_back(c->name);
  p.note("in table " + to.name.name + " column(s) " + util::join(dropped, ", ") + " disappear and " +
         util::join(added, ", ") + " appear: written as drops and adds; if it is a rename, write ALTER TABLE " +
         sqlite_name(to.name.name) + " RENAME COLUMN ... TO ... instead");
}

void alter_table(Planner& p, const Table& from, const Table& to) {
  const ColumnPlan columns = plan_columns(p, from, to);
  bool constraint_dropped = false;
  std::map<std::string, const Constraint*> inline_keys;
  bool in_place = !columns.changed && from.strict == to.strict && from.without_rowid == to.without_rowid &&
                  same_constraints(p, from, to, columns, inline_keys, constraint_dropped);
  for (const auto* c : columns.added) in_place = in_place && can_add(p, to, *c);
  for (const auto* c : columns.dropped) in_place = in_place && can_drop(p, from, *c);
  note_rename(p, to, columns);
  if (!in_place) {
    bool destructive = !columns.dropped.empty() || columns.changed || constraint_dropped || dependents_change(p, from);
    return rebuild(p, from, to, columns, destructive);
  }
  for (const auto* c : columns.dropped) {
    p.disturb(from.name, true);
    p.add(Phase::drop_columns, "drop column " + from.name.name + "." + c->name,
          "ALTER TABLE " + sqlite_name(from.name.name) + " DROP COLUMN " + sqlite_name(c->name) + ";\n", true);
  }
  for (const auto* c : columns.added) {
    auto key = inline_keys.find(p.key(c->name));
    std::string references = key == inline_keys.end() ? "" : " " + sqlite_references(*key->second);
    p.add(Phase::alter_tables,
          "add column " + to.name.name + "." + c->name + " (" + column_summary(*c) + ")",
          "ALTER TABLE " + sqlite_name(to.name.name) + " ADD COLUMN " + sqlite_column(*c) + references + ";\n", false);
  }
}

}  // namespace

void plan_sqlite_tables(Planner& p) {
  match(
      p.from.tables, p.to.tables, [&](const Table& t) { return p.key(t.name); },
      [&](const Table* f, const Table* t) {
        if (!t) return p.to_drop.tables.emplace_back(f, true), p.replace(f->name, true);
        if (!f) return (void)p.to_create.tables.emplace_back(t, false);
        if (!(*f == *t)) alter_table(p, *f, *t);
      });
}

}  // namespace migrate::schema::changes_detail
