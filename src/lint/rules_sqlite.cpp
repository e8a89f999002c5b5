// The rules for SQLite revisions: what SQLite ignores or refuses given how the runner runs
// the file (a transactional revision runs in one transaction).
#include <algorithm>
#include <array>

#include "lint/rules.hpp"

namespace migrate::lint {

namespace {

using Kind = StatementFacts::Kind;
using Action = TableAction;

/// Pragmas whose setting a transaction defeats: SQLite ignores foreign_keys inside one,
/// refuses to change synchronous or to switch journal_mode to or from WAL, and page_size and
/// auto_vacuum take effect only through a VACUUM, which cannot run in a transaction.
constexpr std::array<std::string_view, 5> k_transaction_sensitive_pragmas{"foreign_keys", "journal_mode", "synchronous",
                                                                         "page_size", "auto_vacuum"};

bool is_transaction_sensitive(const StatementFacts& statement) {
  return statement.kind == Kind::pragma && !statement.value.empty() &&
         std::find(k_transaction_sensitive_pragmas.begin(), k_transaction_sensitive_pragmas.end(), statement.setting) !=
             k_transaction_sensitive_pragmas.end();
}

void check_transaction_rules(const RevisionContext& context, const std::vector<StatementFacts>& statements,
                             const Report& report) {
  if (!context.transactional) return;
  for (const auto& statement : statements) {
    if (is_transaction_sensitive(statement))
      report(&statement, "pragma-in-transaction",
             "PRAGMA " + statement.setting + " has no effect (or fails) inside the transaction this revision runs in",
             "move the PRAGMA to a revision with `transactional = false` in its header, or drop it");
    if (statement.kind == Kind::non_transactional)
      report(&statement, "non-transactional-statement-in-transaction",
             statement.what + " cannot run inside a transaction, and this revision runs in one",
             "put it in a revision of its own with `transactional = false` in its header");
  }
}

/// Why SQLite refuses this ALTER TABLE action, or "" when it can run it.
std::string unsupported_reason(const Action& action) {
  using C = TableAction::Constraint;
  switch (action.kind) {
    case Action::Kind::add_column:
      if (action.constraint == C::primary_key) return "SQLite cannot add a PRIMARY KEY column";
      if (action.constraint == C::unique) return "SQLite cannot add a UNIQUE column";
      if (action.volatile_default) return "SQLite cannot add a column whose default is not a constant";
      return "";
    case Action::Kind::drop_column:
    case Action::Kind::rename_column:
      return "";
    case Action::Kind::alter_column_type:
    case Action::Kind::set_not_null:
    case Action::Kind::drop_not_null:
    case Action::Kind::set_default:
    case Action::Kind::drop_default:
      return "SQLite has no ALTER TABLE ... ALTER COLUMN";
    case Action::Kind::add_constraint:
      return "SQLite cannot add a constraint to an existing table";
    case Action::Kind::drop_constraint:
      return "SQLite cannot drop a constraint from a table";
    default:
      return "SQLite's ALTER TABLE only renames the table, and adds, drops or renames a column";
  }
}

/// The ALTER TABLE rules over `context.upgrade` (the downgrade is checked through a copy of
/// the context whose upgrade is the downgrade).
void check_alter_rules(const RevisionContext& context, const Report& report) {
  for (std::size_t i = 0; i < context.upgrade.size(); ++i) {
    const auto& statement = context.upgrade[i];
    if (statement.kind != Kind::alter_table) continue;
    for (const auto& action : statement.actions) {
      if (auto reason = unsupported_reason(action); !reason.empty()) {
        report(&statement, "alter-not-supported", reason + " (table " + statement.table + ")",
               "rebuild the table: CREATE TABLE new_" + statement.table +
                   " with the new definition, INSERT INTO it SELECT from the old one, DROP the old table, "
                   "ALTER TABLE new_" + statement.table + " RENAME TO " + statement.table +
                   ", then re-create its indexes and triggers");
        continue;
      }
      const bool created_here = tables_created_before(context, i).count(statement.table) > 0;
      if (action.kind == Action::Kind::add_column && action.not_null && !action.has_default && !created_here)
        report(&statement, "add-column-not-null-without-default",
               "adding NOT NULL column " + action.column + " without a default fails on table " + statement.table +
                   " once it holds a row",
               "give the column a DEFAULT, or add it nullable and fill it before relying on it");
    }
  }
}

}  // namespace

void check_sqlite_rules(const RevisionContext& context, const Report& report) {
  check_transaction_rules(context, context.upgrade, report);
  check_transaction_rules(context, context.downgrade, report);
  check_alter_rules(context, report);
  if (context.downgrade.empty()) return;
  RevisionContext downgrade = context;
  downgrade.upgrade = context.downgrade;
  check_alter_rules(downgrade, report);
}

}  // namespace migrate::lint
