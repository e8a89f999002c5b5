// The change planner's common part: the plan's phases, and what both dialects decide alike:
// views, triggers and indexes (dropped and re-created around what they depend on), and the
// graph of tables, functions and types to drop and to create.
#include "schema/changes.hpp"

#include <algorithm>
#include <tuple>

#include "backend/sql_dialect.hpp"
#include "core/error.hpp"
#include "schema/changes_internal.hpp"
#include "schema/match.hpp"
#include "schema/render_internal.hpp"
#include "util/strings.hpp"

namespace migrate::schema {
namespace changes_detail {

using match_detail::match;
using namespace render_detail;

std::string display(const Name& n) { return n.schema.empty() ? n.name : n.schema + "." + n.name; }

NameKey Planner::key(const Name& n) const { return match_detail::name_pair(n, dialect); }

void Planner::add(Phase phase, std::string description, std::string sql, bool destructive) {
  m_steps.push_back({phase, {std::move(description), std::move(sql), destructive}});
}

void Planner::disturb(const Name& n, bool destructive) {
  auto [it, inserted] = m_disturbed.emplace(key(n), destructive);
  if (!inserted) it->second = it->second || destructive;
}

void Planner::replace(const Name& n, bool destructive) {
  disturb(n, destructive);
  auto [it, inserted] = m_replaced.emplace(key(n), destructive);
  if (!inserted) it->second = it->second || destructive;
}

const bool* Planner::disturbed(const Name& n) const {
  auto it = m_disturbed.find(key(n));
  return it == m_disturbed.end() ? nullptr : &it->second;
}

const bool* Planner::replaced(const Name& n) const {
  auto it = m_replaced.find(key(n));
  return it == m_replaced.end() ? nullptr : &it->second;
}

ChangePlan Planner::finish(const ChangeOptions& options) {
  std::stable_sort(m_steps.begin(), m_steps.end(),
                   [](const Step& a, const Step& b) { return static_cast<int>(a.phase) < static_cast<int>(b.phase); });
  ChangePlan plan;
  plan.notes = std::move(m_notes);
  bool creates_function = false;
  for (auto& step : m_steps) {
    if (step.change.destructive && !options.allow_destructive) {
      plan.skipped.push_back(std::move(step.change));
      continue;
    }
    creates_function = creates_function || (step.phase == Phase::create_objects &&
                                            (step.change.sql.find(" FUNCTION ") != std::string::npos ||
                                             step.change.sql.find(" PROCEDURE ") != std::string::npos));
    plan.changes.push_back(std::move(step.change));
  }
  // As the renderer does (pg_dump too): a function body may read tables created after it.
  if (creates_function && dialect == Dialect::postgresql)
    plan.changes.insert(plan.changes.begin(), {"let function bodies name objects created after them",
                                               "SET LOCAL check_function_bodies = false;\n", false});
  return plan;
}

std::string pg_set_comment(const std::string& what, const std::string& comment) {
  return "COMMENT ON " + what + " IS " + (comment.empty() ? "NULL" : backend::sql::quote_literal(comment)) + ";\n";
}

std::string create_sql(Dialect d, const Table& t) { return d == Dialect::sqlite ? sqlite_table(t) : pg_table(t); }
std::string create_sql(Dialect d, const View& v) { return d == Dialect::sqlite ? sqlite_view(v) : pg_view(v); }
std::string create_sql(Dialect d, const Index& i) { return d == Dialect::sqlite ? sqlite_index(i) : pg_index(i); }
std::string create_sql(Dialect d, const Trigger& t) {
  return d == Dialect::sqlite ? without_terminator(t.definition) + ";\n" : pg_trigger(t);
}

std::string drop_view_sql(Dialect d, const View& v) {
  if (d == Dialect::sqlite) return "DROP VIEW " + sqlite_name(v.name.name) + ";\n";
  return std::string("DROP ") + (v.materialized ? "MATERIALIZED " : "") + "VIEW " + pg_name(v.name) + ";\n";
}

std::string drop_index_sql(Dialect d, const Index& i) {
  return "DROP INDEX IF EXISTS " + (d == Dialect::sqlite ? sqlite_name(i.name.name) : pg_name(i.name)) + ";\n";
}

std::string drop_trigger_sql(Dialect d, const Trigger& t) {
  if (d == Dialect::sqlite) return "DROP TRIGGER IF EXISTS " + sqlite_name(t.name) + ";\n";
  return "DROP TRIGGER IF EXISTS " + pg_ident(t.name) + " ON " + pg_name(t.table) + ";\n";
}

std::string drop_table_sql(Dialect d, const Table& t) {
  return "DROP TABLE " + (d == Dialect::sqlite ? sqlite_name(t.name.name) : pg_name(t.name)) + ";\n";
}

namespace {

std::string kind_of(const View& v) { return v.materialized ? "materialized view" : "view"; }

/// Whether what `text` (a view's or trigger's definition) names, or what the catalog records
/// it depends on (PostgreSQL), is disturbed; the flag of the disturbance when so (a
/// destructive one first). The text is read once: the name keys are the names as
/// identifiers_in folds them.
const bool* reads_disturbed(const Planner& p, const std::string& text, const std::vector<Name>& depends_on) {
  const auto names = identifiers_in(text, p.dialect);
  const bool* out = nullptr;
  for (const auto& [key, flag] : p.disturbances()) {
    bool reads = names.count(key.second) > 0;
    for (const auto& used : depends_on) reads = reads || p.key(used) == key;
    if (reads && (!out || flag)) out = &flag;
  }
  return out;
}

struct ViewPlan {
  std::map<NameKey, bool> drop;    ///< from's views to drop: destructive?
  std::map<NameKey, bool> create;  ///< to's views to create: destructive (re-created after a drop)?
};

/// Views whose own definition changed or that are gone or new, then, until nothing more
/// moves, every view reading something disturbed.
ViewPlan choose_views(Planner& p) {
  ViewPlan out;
  std::set<NameKey> in_to;
  match(
      p.from.views, p.to.views, [&](const View& v) { return p.key(v.name); },
      [&](const View* f, const View* t) {
        if (t) in_to.insert(p.key(t->name));
        auto same = [](View a, View b) { return a.comment = b.comment, a == b; };
        if (f && t && same(*f, *t)) {
          if (f->comment != t->comment)
            p.add(Phase::comments, "comment on " + kind_of(*t) + " " + display(t->name),
                  pg_set_comment(util::to_upper(kind_of(*t)) + " " + pg_name(t->name), t->comment), false);
          return;
        }
        if (f) out.drop[p.key(f->name)] = true, p.replace(f->name, true);
        if (t) out.create[p.key(t->name)] = f != nullptr;
      });
  for (bool moved = true; moved;) {
    moved = false;
    for (const auto& v : p.from.views) {
      if (out.drop.count(p.key(v.name))) continue;
      if (const bool* flag = reads_disturbed(p, v.definition, v.depends_on)) {
        bool destructive = *flag;
        out.drop[p.key(v.name)] = destructive;
        p.replace(v.name, destructive);
        if (in_to.count(p.key(v.name))) out.create[p.key(v.name)] = destructive;
        moved = true;
      }
    }
  }
  return out;
}

/// The views of `views` chosen in `chosen`, in dependency order.
std::vector<const View*> in_order(const Planner& p, const std::vector<View>& views,
                                  const std::map<NameKey, bool>& chosen) {
  Schema subset;
  subset.dialect = p.dialect;
  for (const auto& v : views)
    if (chosen.count(p.key(v.name))) subset.views.push_back(v);
  std::vector<const View*> out;
  auto find = [&](const View& v) {
    for (const auto& original : views)
      if (original.name == v.name) return &original;
    return static_cast<const View*>(nullptr);
  };
  if (p.dialect == Dialect::sqlite) {
    for (const auto* v : ordered_views(subset.views, p.dialect)) out.push_back(find(*v));
  } else {
    for (const auto& ref : pg_object_order(subset)) out.push_back(find(subset.views[ref.index]));
  }
  return out;
}

void plan_views(Planner& p) {
  auto chosen = choose_views(p);
  auto drops = in_order(p, p.from.views, chosen.drop);
  std::reverse(drops.begin(), drops.end());
  for (const auto* v : drops)
    p.add(Phase::drop_views, "drop " + kind_of(*v) + " " + display(v->name), drop_view_sql(p.dialect, *v),
          chosen.drop.at(p.key(v->name)));
  for (const auto* v : in_order(p, p.to.views, chosen.create))
    p.add(Phase::create_views, "create " + kind_of(*v) + " " + display(v->name), create_sql(p.dialect, *v),
          chosen.create.at(p.key(v->name)));
}

/// Triggers changed, gone or new, and those on or naming something disturbed.
void plan_triggers(Planner& p) {
  auto key = [&](const Trigger& t) { return std::make_pair(p.key(t.table), p.key(t.name)); };
  match(p.from.triggers, p.to.triggers, key, [&](const Trigger* f, const Trigger* t) {
    auto same = [](Trigger a, Trigger b) { return a.comment = b.comment, a.enabled = b.enabled, a == b; };
    bool destructive = !f || !t || !same(*f, *t);
    bool moves = destructive;
    if (f && !moves) {
      const bool* flag = p.disturbed(f->table);
      if (!flag) flag = reads_disturbed(p, f->definition, {});
      if (flag) moves = true, destructive = *flag;
    }
    const std::string what = "trigger " + display((f ? f : t)->table) + "." + (f ? f : t)->name;
    if (!moves) {
      if (f->enabled != t->enabled)
        p.add(Phase::create_triggers, (t->enabled ? "enable " : "disable ") + what,
              "ALTER TABLE " + pg_name(t->table) + (t->enabled ? " ENABLE" : " DISABLE") + " TRIGGER " +
                  pg_ident(t->name) + ";\n",
              false);
      if (f->comment != t->comment)
        p.add(Phase::comments, "comment on " + what,
              pg_set_comment("TRIGGER " + pg_ident(t->name) + " ON " + pg_name(t->table), t->comment), false);
      return;
    }
    if (f) p.add(Phase::drop_triggers, "drop " + what, drop_trigger_sql(p.dialect, *f), destructive || !t);
    if (t) p.add(Phase::create_triggers, "create " + what, create_sql(p.dialect, *t), f && destructive);
  });
}

/// How deep the table of index `i` is in a partition tree of `s` (0 on SQLite and for views).
int partition_depth(const std::map<std::pair<std::string, std::string>, int>& depths, const Index& i) {
  auto depth = depths.find({i.name.schema, i.table});
  return depth == depths.end() ? 0 : depth->second;
}

/// Indexes changed, gone or new, and those of a table or view dropped and created again. A
/// partition's index is created before its parent's, which then adopts it (as render_sql does).
void plan_indexes(Planner& p) {
  const auto depths =
      p.dialect == Dialect::postgresql ? pg_partition_depths(p.to) : decltype(pg_partition_depths(p.to)){};
  std::vector<std::tuple<int, const Index*, bool>> creates;
  match(
      p.from.indexes, p.to.indexes, [&](const Index& i) { return p.key(i.name); },
      [&](const Index* f, const Index* t) {
        auto same = [](Index a, Index b) { return a.comment = b.comment, a == b; };
        bool destructive = !f || !t || !same(*f, *t);
        bool moves = destructive;
        if (f && !moves)
          if (const bool* flag = p.replaced({f->name.schema, f->table})) moves = true, destructive = *flag;
        const std::string what = "index " + display((f ? f : t)->name);
        if (!moves) {
          if (f->comment != t->comment)
            p.add(Phase::comments, "comment on " + what, pg_set_comment("INDEX " + pg_name(t->name), t->comment),
                  false);
          return;
        }
        if (f) p.add(Phase::drop_indexes, "drop " + what, drop_index_sql(p.dialect, *f), destructive || !t);
        if (t) creates.emplace_back(-partition_depth(depths, *t), t, f && destructive);
      });
  std::stable_sort(creates.begin(), creates.end(),
                   [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
  for (const auto& [depth, t, destructive] : creates) {
    std::string description =
        (t->unique ? "create unique index " : "create index ") + display(t->name) + " on " + t->table;
    p.add(Phase::create_indexes, description, create_sql(p.dialect, *t), destructive);
  }
}

std::string drop_object_sql(const Schema& s, const ObjectRef& ref) {
  switch (ref.kind) {
    case ObjectRef::Kind::type: {
      const auto& t = s.types[ref.index];
      return std::string("DROP ") + (t.kind == Type::Kind::domain ? "DOMAIN " : "TYPE ") + pg_name(t.name) + ";\n";
    }
    case ObjectRef::Kind::function: {
      const auto& f = s.functions[ref.index];
      return std::string("DROP ") + (f.procedure ? "PROCEDURE " : "FUNCTION ") + pg_name(f.name) + "(" + f.arguments +
             ");\n";
    }
    case ObjectRef::Kind::table:
      return drop_table_sql(s.dialect, s.tables[ref.index]);
    case ObjectRef::Kind::view:
      return drop_view_sql(s.dialect, s.views[ref.index]);
  }
  return "";
}

std::string describe_object(const Schema& s, const ObjectRef& ref) {
  switch (ref.kind) {
    case ObjectRef::Kind::type:
      return std::string(to_string(s.types[ref.index].kind)) + " " + display(s.types[ref.index].name);
    case ObjectRef::Kind::function: {
      const auto& f = s.functions[ref.index];
      return (f.procedure ? "procedure " : "function ") + display(f.name) + "(" + f.arguments + ")";
    }
    case ObjectRef::Kind::table:
      return "table " + display(s.tables[ref.index].name);
    case ObjectRef::Kind::view:
      return "view " + display(s.views[ref.index].name);
  }
  return "";
}

/// The objects as a schema of their own (for its dependency order), with their flags in
/// the order pg_object_order numbers them.
Schema subset(Dialect d, const Planner::Objects& objects, std::vector<std::vector<bool>>& flags) {
  Schema s;
  s.dialect = d;
  flags.assign(4, {});
  for (const auto& [t, flag] : objects.types) s.types.push_back(*t), flags[0].push_back(flag);
  for (const auto& [f, flag] : objects.functions) s.functions.push_back(*f), flags[1].push_back(flag);
  for (const auto& [t, flag] : objects.tables) s.tables.push_back(*t), flags[2].push_back(flag);
  return s;
}

void plan_objects(Planner& p) {
  std::vector<std::vector<bool>> flags;
  const Schema dropped = subset(p.dialect, p.to_drop, flags);
  auto order = pg_object_order(dropped);
  std::reverse(order.begin(), order.end());
  for (const auto& ref : order)
    p.add(Phase::drop_objects, "drop " + describe_object(dropped, ref), drop_object_sql(dropped, ref),
          flags[static_cast<int>(ref.kind)][ref.index]);
  const Schema created = subset(p.dialect, p.to_create, flags);
  for (const auto& ref : pg_object_order(created)) {
    std::string sql = p.dialect == Dialect::sqlite ? sqlite_table(created.tables[ref.index]) : pg_object(created, ref);
    p.add(Phase::create_objects, "create " + describe_object(created, ref), sql,
          flags[static_cast<int>(ref.kind)][ref.index]);
  }
}

/// Renames are never guessed: tables that disappear while others appear get a note.
void note_table_renames(Planner& p) {
  std::vector<std::string> gone, new_ones;
  match(
      p.from.tables, p.to.tables, [&](const Table& t) { return p.key(t.name); },
      [&](const Table* f, const Table* t) {
        if (!t) gone.push_back(display(f->name));
        if (!f) new_ones.push_back(display(t->name));
      });
  if (!gone.empty() && !new_ones.empty())
    p.note("table(s) " + util::join(gone, ", ") + " disappear and " + util::join(new_ones, ", ") +
           " appear: written as drops and creates (the rows are lost); if it is a rename, write ALTER TABLE ... "
           "RENAME TO ... instead");
}

}  // namespace
}  // namespace changes_detail

std::string ChangePlan::sql() const {
  std::string out;
  for (const auto& c : changes) out += c.sql;
  return out;
}

ChangePlan plan_changes(const Schema& from_schema, const Schema& to_schema, const ChangeOptions& options) {
  using namespace changes_detail;
  if (from_schema.dialect != to_schema.dialect)
    throw Error(ErrorKind::internal, "plan_changes: the two schemas are of different dialects");
  const Schema from = canonical_copy(from_schema);
  const Schema to = canonical_copy(to_schema);
  Planner p(from, to);
  if (p.dialect == Dialect::postgresql) {
    plan_postgres_objects(p);
    plan_postgres_tables(p);
    plan_postgres_functions(p);
  } else {
    plan_sqlite_tables(p);
  }
  plan_views(p);
  plan_triggers(p);
  plan_indexes(p);
  plan_objects(p);
  note_table_renames(p);
  return p.finish(options);
}

std::string drop_sql(const Schema& schema) {
  Schema empty_schema;
  empty_schema.dialect = schema.dialect;
  return plan_changes(schema, empty_schema).sql();
}

}  // namespace migrate::schema
