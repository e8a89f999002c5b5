// The change planner for PostgreSQL tables: columns added (appended: ADD COLUMN cannot place
// them), dropped and altered in place; constraints, policies, row-level security and comments.
// A table whose partitioning changes is dropped and created again.
#include <algorithm>
#include <set>
#include <tuple>

#include "schema/changes_internal.hpp"
#include "schema/diff.hpp"
#include "schema/match.hpp"
#include "schema/render_internal.hpp"
#include "util/strings.hpp"

namespace migrate::schema::changes_detail {
namespace {

using match_detail::match;
using namespace render_detail;

std::string alter(const Table& t) { return "ALTER TABLE " + pg_name(t.name); }

std::string constraint_name(const Table& t, const Constraint& c) { return display(t.name) + "." + c.name; }

/// What the planner needs across tables: foreign keys already moved, tables whose primary or
/// unique keys are dropped (a key referencing them must be dropped first and added again).
struct TableState {
  std::set<std::pair<NameKey, std::string>> moved_keys;
  std::set<NameKey> keys_dropped;
  /// Foreign keys of created tables, added once every table is known: a partition's before
  /// its parent's, which then adopts it (as render_sql does).
  std::vector<std::tuple<int, const Table*, const Constraint*, bool>> new_keys;
};

void drop_constraint(Planner& p, const Table& t, const Constraint& c, bool destructive, TableState& state) {
  const bool fk = c.kind == ConstraintKind::foreign_key;
  if (fk) state.moved_keys.insert({p.key(t.name), c.name});
  if (c.kind == ConstraintKind::primary_key || c.kind == ConstraintKind::unique)
    state.keys_dropped.insert(p.key(t.name));
  p.add(fk ? Phase::drop_foreign_keys : Phase::drop_constraints, "drop constraint " + constraint_name(t, c),
        alter(t) + " DROP CONSTRAINT " + pg_ident(c.name) + ";\n", destructive);
}

void add_constraint(Planner& p, const Table& t, const Constraint& c, bool destructive) {
  const bool fk = c.kind == ConstraintKind::foreign_key;
  p.add(fk ? Phase::create_foreign_keys : Phase::create_constraints,
        "add constraint " + constraint_name(t, c) + " (" + to_string(c.kind) + ")", pg_add_constraint(t, c),
        destructive);
}

void plan_constraints(Planner& p, const Table& from, const Table& to, TableState& state) {
  auto key = [&](const Constraint& c) { return match_detail::constraint_key(c, p.dialect); };
  match(from.constraints, to.constraints, key, [&](const Constraint* f, const Constraint* t) {
    auto same = [](Constraint a, const Constraint& b) { return a.comment = b.comment, a == b; };
    // NOT VALID to valid: VALIDATE CONSTRAINT checks the rows without dropping anything.
    auto validated = [&](Constraint a, const Constraint& b) { return a.not_valid = b.not_valid, same(a, b); };
    const bool validates = f && t && f->not_valid && !t->not_valid && validated(*f, *t);
    if (f && t && (validates || same(*f, *t))) {
      if (validates)
        p.add(Phase::create_constraints, "validate constraint " + constraint_name(to, *t),
              alter(to) + " VALIDATE CONSTRAINT " + pg_ident(t->name) + ";\n", false);
      if (f->comment != t->comment)
        p.add(Phase::comments, "comment on constraint " + constraint_name(to, *t),
              pg_set_comment("CONSTRAINT " + pg_ident(t->name) + " ON " + pg_name(to.name), t->comment), false);
      return;
    }
    if (f) drop_constraint(p, from, *f, true, state);
    if (t) add_constraint(p, to, *t, f != nullptr);
  });
}

/// Default and identity changes, and a type change (whose old default may not cast), drop the
/// old default early: it may call a sequence or function dropped before the columns change.
void alter_column(Planner& p, const Table& table, const Column& f, const Column& t) {
  const std::string column = alter(table) + " ALTER COLUMN " + pg_ident(t.name);
  const std::string what = "column " + display(table.name) + "." + t.name;
  const bool retyped = f.type != t.type || f.collation != t.collation;
  const bool redefault = f.default_expression != t.default_expression || retyped;
  if (redefault && f.default_expression)
    p.add(Phase::drop_constraints, "drop the default of " + what, column + " DROP DEFAULT;\n", true);
  if (!f.identity.empty() && t.identity.empty())
    p.add(Phase::drop_constraints, "drop the identity of " + what, column + " DROP IDENTITY;\n", true);
  if (retyped) {
    p.disturb(table.name, true);
    std::string type = t.type + (t.collation.empty() ? "" : " COLLATE " + t.collation);
    p.add(Phase::alter_tables, "change the type of " + what + " from " + f.type + " to " + t.type,
          column + " TYPE " + type + " USING " + pg_ident(t.name) + "::" + t.type + ";\n", true);
  }
  if (redefault && t.default_expression)
    p.add(Phase::alter_tables, "set the default of " + what + " to " + *t.default_expression,
          column + " SET DEFAULT " + *t.default_expression + ";\n", true);
  if (f.not_null != t.not_null)
    p.add(Phase::alter_tables, (t.not_null ? "set NOT NULL on " : "drop NOT NULL on ") + what,
          column + (t.not_null ? " SET NOT NULL;\n" : " DROP NOT NULL;\n"), true);
  if (!t.identity.empty() && t.identity != f.identity) {
    const std::string how = util::to_upper(t.identity);
    p.add(Phase::alter_tables, "make " + what + " an identity (" + t.identity + ")",
          column + (f.identity.empty() ? " ADD GENERATED " + how + " AS IDENTITY;\n" : " SET GENERATED " + how + ";\n"),
          true);
  }
  if (f.comment != t.comment)
    p.add(Phase::comments, "comment on " + what,
          pg_set_comment("COLUMN " + pg_name(table.name) + "." + pg_ident(t.name), t.comment), false);
}

void drop_column(Planner& p, const Table& table, const Column& c) {
  p.disturb(table.name, true);
  p.add(Phase::drop_columns, "drop column " + display(table.name) + "." + c.name + " (" + column_summary(c) + ")",
        alter(table) + " DROP COLUMN " + pg_ident(c.name) + ";\n", true);
}

void add_column(Planner& p, const Table& table, const Column& c, bool destructive) {
  p.add(Phase::alter_tables, "add column " + display(table.name) + "." + c.name + " (" + column_summary(c) + ")",
        alter(table) + " ADD COLUMN IF NOT EXISTS " + pg_column(c) + ";\n", destructive);
  if (!c.comment.empty())
    p.add(Phase::comments, "comment on column " + display(table.name) + "." + c.name,
          pg_set_comment("COLUMN " + pg_name(table.name) + "." + pg_ident(c.name), c.comment), destructive);
}

/// ADD COLUMN appends and nothing reorders columns: say so when the common ones differ in order.
void note_order(Planner& p, const Table& from, const Table& to, const std::vector<std::string>& added) {
  std::vector<std::string> in_from, in_to;
  for (const auto& c : to.columns)
    if (std::find(added.begin(), added.end(), c.name) == added.end()) in_to.push_back(p.key(c.name));
  for (const auto& c : from.columns)
    if (std::find(in_to.begin(), in_to.end(), p.key(c.name)) != in_to.end()) in_from.push_back(p.key(c.name));
  if (in_from != in_to)
    p.note("the columns of " + display(to.name) + " are in another order (" + util::join(in_to, ", ") +
           "): PostgreSQL cannot reorder columns; re-create the table by hand if the order matters");
}

void plan_columns(Planner& p, const Table& from, const Table& to) {
  std::vector<std::string> dropped, added;
  match(
      from.columns, to.columns, [&](const Column& c) { return p.key(c.name); },
      [&](const Column* f, const Column* t) {
        if (f && !t) return drop_column(p, from, *f), dropped.push_back(f->name);
        if (t && !f) return added.push_back(t->name);  // added below, in the target's order
        if (f->generated != t->generated || f->generated_stored != t->generated_stored) {
          p.note("column " + display(to.name) + "." + t->name +
                 " changes its generation: written as a drop and an add");
          return drop_column(p, from, *f), add_column(p, to, *t, true);
        }
        alter_column(p, to, *f, *t);
      });
  for (const auto& c : to.columns)  // appended in the target's order: where it has them when they come last
    if (std::find(added.begin(), added.end(), c.name) != added.end()) add_column(p, to, c, false);
  if (!dropped.empty() && !added.empty())
    p.note("in table " + display(to.name) + " column(s) " + util::join(dropped, ", ") + " disappear and " +
           util::join(added, ", ") + " appear: written as drops and adds; if it is a rename, write ALTER TABLE " +
           pg_name(to.name) + " RENAME COLUMN ... TO ... instead");
  note_order(p, from, to, added);
  for (std::size_t i = 0; i < to.columns.size(); ++i) {
    bool is_added = std::find(added.begin(), added.end(), to.columns[i].name) != added.end();
    if (is_added && i + added.size() < to.columns.size())
      p.note("column " + display(to.name) + "." + to.columns[i].name +
             " is appended: PostgreSQL's ADD COLUMN cannot place it where the target has it");
  }
}

/// `recreated`: `to` is created again after a destructive drop, and so is all of this.
void plan_policies(Planner& p, const Table& from, const Table& to, bool recreated = false) {
  if (from.row_security != to.row_security)
    p.add(Phase::row_security,
          (to.row_security ? "enable" : "disable") + std::string(" row level security on ") + display(to.name),
          alter(to) + (to.row_security ? " ENABLE" : " DISABLE") + " ROW LEVEL SECURITY;\n", recreated);
  if (from.force_row_security != to.force_row_security)
    p.add(
        Phase::row_security,
        (to.force_row_security ? "force" : "stop forcing") + std::string(" row level security on ") + display(to.name),
        alter(to) + (to.force_row_security ? " FORCE" : " NO FORCE") + " ROW LEVEL SECURITY;\n", recreated);
  // A policy reads columns: one whose type changes needs it dropped first.
  const bool* retyped = p.disturbed(from.name);
  match(
      from.policies, to.policies, [&](const Policy& x) { return p.key(x.name); },
      [&](const Policy* f, const Policy* t) {
        if (f && t && *f == *t && !retyped) return;
        const std::string what = "policy " + display(to.name) + "." + (f ? f : t)->name;
        if (f)
          p.add(Phase::drop_policies, "drop " + what,
                "DROP POLICY " + pg_ident(f->name) + " ON " + pg_name(from.name) + ";\n",
                !t || !(*f == *t) || *retyped);
        if (t)
          p.add(Phase::row_security, "create " + what, pg_policy(to, *t),
                recreated || (f && (!(*f == *t) || *retyped)));
      });
}

void alter_table(Planner& p, const Table& from, const Table& to, TableState& state) {
  if (from.unlogged != to.unlogged)
    p.add(Phase::alter_tables, (to.unlogged ? "make table unlogged " : "make table logged ") + display(to.name),
          alter(to) + (to.unlogged ? " SET UNLOGGED;\n" : " SET LOGGED;\n"), false);
  plan_columns(p, from, to);
  plan_constraints(p, from, to, state);
  plan_policies(p, from, to);
  if (from.comment != to.comment)
    p.add(Phase::comments, "comment on table " + display(to.name),
          pg_set_comment("TABLE " + pg_name(to.name), to.comment), false);
}

/// A table to create: the graph creates it; its foreign keys, partition attachment and
/// row-level security come in their phases.
void create_table(Planner& p, const Table& t, bool destructive, TableState& state) {
  p.to_create.tables.emplace_back(&t, destructive);
  for (const auto& c : t.constraints)
    if (c.kind == ConstraintKind::foreign_key) state.new_keys.emplace_back(0, &t, &c, destructive);
  if (t.partition_of)
    p.add(Phase::alter_tables, "attach partition " + display(t.name) + " to " + display(*t.partition_of),
          "ALTER TABLE " + pg_name(*t.partition_of) + " ATTACH PARTITION " + pg_name(t.name) + " " + t.partition_bound +
              ";\n",
          destructive);
  Table bare = t;
  bare.row_security = bare.force_row_security = false;
  bare.policies.clear();
  plan_policies(p, bare, t, destructive);
}

/// A table to drop: its foreign keys go first, so that a cycle of tables needs nothing more.
void drop_table(Planner& p, const Table& t, TableState& state) {
  p.to_drop.tables.emplace_back(&t, true);
  p.replace(t.name, true);
  for (const auto& c : t.constraints)
    if (c.kind == ConstraintKind::foreign_key) drop_constraint(p, t, c, true, state);
}

/// Keys of kept tables whose parent loses a primary or unique key: dropped and added again.
void move_referencing_keys(Planner& p, TableState& state) {
  for (const auto& t : p.to.tables)
    for (const auto& c : t.constraints)
      if (c.kind == ConstraintKind::foreign_key && state.keys_dropped.count(p.key(c.foreign_key->parent)) &&
          !state.moved_keys.count({p.key(t.name), c.name})) {
        drop_constraint(p, t, c, true, state);
        add_constraint(p, t, c, true);
      }
}

}  // namespace

void plan_postgres_tables(Planner& p) {
  TableState state;
  match(
      p.from.tables, p.to.tables, [&](const Table& t) { return p.key(t.name); },
      [&](const Table* f, const Table* t) {
        if (!t) return drop_table(p, *f, state);
        if (!f) return create_table(p, *t, false, state);
        if (f->partition_key != t->partition_key || f->partition_of != t->partition_of ||
            f->partition_bound != t->partition_bound) {
          p.note("table " + display(t->name) +
                 " changes its partitioning: dropped and created again, its rows are lost");
          drop_table(p, *f, state);
          return create_table(p, *t, true, state);
        }
        alter_table(p, *f, *t, state);
      });
  move_referencing_keys(p, state);
  const auto depths = pg_partition_depths(p.to);
  for (auto& key : state.new_keys)
    std::get<0>(key) = -depths.at({std::get<1>(key)->name.schema, std::get<1>(key)->name.name});
  std::stable_sort(state.new_keys.begin(), state.new_keys.end(),
                   [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
  for (const auto& [depth, table, key, destructive] : state.new_keys) add_constraint(p, *table, *key, destructive);
}

}  // namespace migrate::schema::changes_detail
