// The rules for both dialects: whether a revision can be reverted, and whether its
// downgrade undoes what its upgrade built.
#include <algorithm>

#include "lint/rules.hpp"

namespace migrate::lint {

namespace {

using Kind = StatementFacts::Kind;
using ObjectKind = ObjectRef::Kind;

const char* kind_name(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::table: return "table";
    case ObjectKind::column: return "column";
    case ObjectKind::index: return "index";
    case ObjectKind::view: return "view";
    case ObjectKind::materialized_view: return "materialized view";
    case ObjectKind::sequence: return "sequence";
    case ObjectKind::type: return "type";
    case ObjectKind::domain: return "domain";
    case ObjectKind::function: return "function";
    case ObjectKind::procedure: return "procedure";
    case ObjectKind::trigger: return "trigger";
    case ObjectKind::schema: return "schema";
    case ObjectKind::extension: return "extension";
    case ObjectKind::constraint: return "constraint";
    case ObjectKind::other: return "object";
  }
  return "object";
}

std::string describe(const ObjectRef& object) {
  std::string text = std::string(kind_name(object.kind)) + " " + object.name;
  if (!object.table.empty() && object.kind != ObjectKind::table) text += " on " + object.table;
  return text;
}

/// Objects that belong to a table go with it when it is dropped.
bool belongs_to_table(ObjectKind kind) {
  return kind == ObjectKind::column || kind == ObjectKind::index || kind == ObjectKind::trigger ||
         kind == ObjectKind::constraint;
}

/// `dropped` removes `created`: the same object, its table, or the schema that holds it.
bool removes(const ObjectRef& dropped, const ObjectRef& created) {
  if (dropped.kind == created.kind && dropped.name == created.name)
    return dropped.table.empty() || created.table.empty() || dropped.table == created.table;
  if (dropped.kind == ObjectKind::table && belongs_to_table(created.kind) && !created.table.empty())
    return dropped.name == created.table;
  if (dropped.kind == ObjectKind::schema) return created.name.starts_with(dropped.name + ".");
  return false;
}

bool removed_by(const std::vector<StatementFacts>& statements, const ObjectRef& created) {
  return std::any_of(statements.begin(), statements.end(), [&](const StatementFacts& statement) {
    return std::any_of(statement.drops.begin(), statement.drops.end(),
                       [&](const ObjectRef& dropped) { return removes(dropped, created); });
  });
}

bool has_unparsed(const std::vector<StatementFacts>& statements) {
  return std::any_of(statements.begin(), statements.end(),
                     [](const StatementFacts& statement) { return statement.kind == Kind::unparsed; });
}

/// Each object the upgrade creates (and does not itself drop again) must be dropped by the
/// downgrade, directly or with its table. Statements the parser refused are reported as
/// parse errors; guessing past them would only add noise.
void check_downgrade_complete(const RevisionContext& context, const Report& report) {
  if (!context.has_downgrade || has_unparsed(context.upgrade) || has_unparsed(context.downgrade)) return;
  for (std::size_t i = 0; i < context.upgrade.size(); ++i) {
    const auto& statement = context.upgrade[i];
    const std::vector<StatementFacts> later(context.upgrade.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                                            context.upgrade.end());
    for (const auto& created : statement.creates) {
      if (created.name.empty() || removed_by(later, created) || removed_by(context.downgrade, created)) continue;
      report(&statement, "downgrade-incomplete",
             "the upgrade creates " + describe(created) + " and the downgrade does not drop it",
             "drop it in the `-- migrate:downgrade` section, so that a downgrade restores the schema");
    }
  }
}

/// A dialect section replaces the generic one for its dialect: an upgrade written for one
/// dialect whose downgrade is the generic one (written for the other, or for neither) is
/// almost always a forgotten section.
void check_dialect_sections(const RevisionContext& context, const Report& report) {
  if (!context.has_downgrade) return;  // `irreversible` says it
  const std::string dialect(to_string(context.dialect));
  if (context.upgrade_is_dialect_specific && !context.downgrade_is_dialect_specific) {
    report(nullptr, "dialect-section-missing",
           "the upgrade has a " + dialect + " section but the downgrade does not: " + dialect +
               (context.downgrade_line > 0 ? " runs the generic downgrade" : " has no downgrade at all"),
           "add a `-- migrate:downgrade dialect=" + dialect + "` section that reverses the " + dialect + " upgrade");
  } else if (!context.upgrade_is_dialect_specific && context.downgrade_is_dialect_specific) {
    report(nullptr, "dialect-section-missing",
           "the downgrade has a " + dialect + " section but the upgrade does not: " + dialect +
               " runs the generic upgrade",
           "add a `-- migrate:upgrade dialect=" + dialect + "` section, or make the " + dialect +
               " downgrade the generic one");
  }
}

}  // namespace

void check_common_rules(const RevisionContext& context, const Report& report) {
  if (!context.has_downgrade)
    report(nullptr, "irreversible", "revision " + context.revision + " has no downgrade section: it cannot be reverted",
           "add a `-- migrate:downgrade` section that reverses the upgrade (an empty one if nothing needs undoing)");
  check_downgrade_complete(context, report);
  check_dialect_sections(context, report);
}

}  // namespace migrate::lint
