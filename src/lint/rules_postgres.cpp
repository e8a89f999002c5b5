// The PostgreSQL lint rules: statements that the server refuses in the transaction the
// runner opens, that lock or rewrite a table other sessions are using, or that break the
// release still running against the database. Each reads the statement facts of a revision
// (lint/facts.hpp) in its context: a statement on a table the same revision created earlier
// locks nothing anyone else uses, so the lock, rewrite and compatibility rules skip it.
#include <map>
#include <set>
#include <utility>

#include "lint/rules.hpp"
#include "util/strings.hpp"

namespace migrate::lint {

namespace {

using Kind = StatementFacts::Kind;
using Action = TableAction::Kind;
using Constraint = TableAction::Constraint;

constexpr std::string_view no_transaction_hint =
    "put `transactional = false` in the revision's header: each statement then runs on its own";

// `name` is in `names`, where an unqualified name and the same name in schema public are one.
bool contains(const std::set<std::string>& names, const std::string& name) {
  constexpr std::string_view public_prefix = "public.";
  if (names.count(name) > 0) return true;
  if (util::starts_with(name, public_prefix)) return names.count(name.substr(public_prefix.size())) > 0;
  return names.count(std::string(public_prefix) + name) > 0;
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  for (const auto& name : names) quoted.push_back("`" + name + "`");
  return util::join(quoted, ", ");
}

// What the rules know when they reach one statement of the upgrade.
struct Scope {
  const RevisionContext& context;
  const Report& report;
  const StatementFacts& statement;
  std::set<std::string> new_tables;          // created earlier in this revision
  const std::set<std::string>& new_indexes;  // idem
  // Constraints added NOT VALID earlier in this revision: (table, name) → kind.
  const std::map<std::pair<std::string, std::string>, Constraint>& not_valid_added;
  // Tables on which an earlier statement of this revision validated a constraint that may be
  // a CHECK (col IS NOT NULL), after which SET NOT NULL needs no scan.
  const std::set<std::string>& validated_checks;

  bool existing_table() const { return !contains(new_tables, statement.table); }
  void operator()(std::string_view rule, std::string message, std::string hint) const {
    report(&statement, rule, std::move(message), std::move(hint));
  }
};

// ---- refused by the server inside the runner's transaction ----

std::string concurrent_statement(const StatementFacts& statement) {
  if (statement.kind == Kind::create_index) return "CREATE INDEX CONCURRENTLY";
  if (statement.kind == Kind::drop_index) return "DROP INDEX CONCURRENTLY";
  return "REINDEX CONCURRENTLY";
}

void check_refused_in_transaction(const std::vector<StatementFacts>& section, const Report& report) {
  for (const auto& statement : section) {
    const bool index_statement =
        statement.kind == Kind::create_index || statement.kind == Kind::drop_index || statement.kind == Kind::reindex;
    if (index_statement && statement.concurrently)
      report(&statement, "concurrent-index-in-transaction",
             concurrent_statement(statement) +
                 " cannot run inside a transaction block, and this revision runs in one: PostgreSQL refuses "
                 "the statement and the revision fails",
             std::string(no_transaction_hint) +
                 " (best in a revision of its own: a CONCURRENTLY build that fails leaves an invalid index "
                 "to drop before the retry)");
    if (statement.kind == Kind::non_transactional)
      report(&statement, "non-transactional-statement-in-transaction",
             statement.what +
                 " cannot run inside a transaction block, and this revision runs in one: PostgreSQL refuses "
                 "the statement and the revision fails",
             std::string(no_transaction_hint));
  }
}

// ---- indexes ----

void check_index_locks(const Scope& at) {
  const auto& statement = at.statement;
  if (statement.concurrently) return;
  if (statement.kind == Kind::create_index && at.existing_table())
    at("require-concurrent-index",
       "CREATE INDEX without CONCURRENTLY on existing table `" + statement.table +
           "` holds a SHARE lock on it while the index is built: every INSERT, UPDATE and DELETE on it waits "
           "until the build is done",
       "write CREATE INDEX CONCURRENTLY, in a revision with `transactional = false` in its header");
  if (statement.kind != Kind::drop_index) return;
  std::vector<std::string> existing;
  for (const auto& dropped : statement.drops)
    if (!contains(at.new_indexes, dropped.name)) existing.push_back(dropped.name);
  if (!existing.empty())
    at("require-concurrent-index",
       "DROP INDEX " + quoted_list(existing) +
           " without CONCURRENTLY locks the index's table in ACCESS EXCLUSIVE mode: every read and write of "
           "it waits until the drop is done",
       "write DROP INDEX CONCURRENTLY (one index per statement), in a revision with `transactional = false` "
       "in its header");
}

// ---- ALTER TABLE on an existing table ----

void check_constraint(const Scope& at, const TableAction& action, bool inline_in_new_column) {
  const auto& table = at.statement.table;
  const auto name = action.constraint_name.empty() ? std::string() : " `" + action.constraint_name + "`";
  const auto later =
      " in a later statement (better, a later revision: in the same transaction the ADD's lock "
      "is still held during the check)";
  const auto inline_advice = inline_in_new_column ? "add the column first, then " : "";
  if (action.constraint == Constraint::foreign_key && !action.not_valid)
    at("foreign-key-not-valid",
       "adding FOREIGN KEY" + name + " to existing table `" + table +
           "` without NOT VALID checks every row while a SHARE ROW EXCLUSIVE lock blocks writes to `" + table +
           "` and `" + action.references + "`",
       std::string(inline_advice) + "ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, then VALIDATE CONSTRAINT" + later +
           "; validating lets reads and writes go on");
  if (action.constraint == Constraint::check && !action.not_valid)
    at("check-not-valid",
       "adding CHECK" + name + " to existing table `" + table +
           "` without NOT VALID checks every row under an ACCESS EXCLUSIVE lock: every read and write of it "
           "waits for the scan",
       std::string(inline_advice) + "ADD CONSTRAINT ... CHECK (...) NOT VALID, then VALIDATE CONSTRAINT" + later +
           "; validating lets reads and writes go on");
  const bool unique = action.constraint == Constraint::unique || action.constraint == Constraint::primary_key;
  if (unique && !action.using_index)
    at("unique-without-index",
       std::string(action.constraint == Constraint::unique ? "adding UNIQUE" : "adding PRIMARY KEY") + name +
           " to existing table `" + table +
           "` builds its index under an ACCESS EXCLUSIVE lock: every read and write of it waits for the build",
       std::string(inline_advice) +
           "build the index with CREATE UNIQUE INDEX CONCURRENTLY (in a revision with `transactional = false`), "
           "then ALTER TABLE " +
           table + " ADD CONSTRAINT name " + (action.constraint == Constraint::unique ? "UNIQUE" : "PRIMARY KEY") +
           " USING INDEX that_index");
}

void check_new_column(const Scope& at, const TableAction& action) {
  const auto column = "`" + action.column + "`";
  const auto& table = at.statement.table;
  if (action.volatile_default)
    at("add-column-volatile-default",
       "adding column " + column + " to existing table `" + table +
           "` with a volatile default (or a serial, identity or generated column) rewrites the whole table under "
           "an ACCESS EXCLUSIVE lock: every read and write of it waits for the rewrite",
       "add the column without a default (or with a constant one, or now()), then SET DEFAULT for new rows and "
       "fill the existing rows in batches");
  if (action.not_null && !action.has_default)
    at("add-column-not-null-without-default",
       "adding NOT NULL column " + column + " without a default to existing table `" + table +
           "` fails as soon as the table has a row",
       "give it a constant DEFAULT (stored in the catalog, no rewrite), or add it nullable, fill it, and SET NOT "
       "NULL later");
  if (action.constraint != Constraint::none) check_constraint(at, action, /*inline_in_new_column=*/true);
}

void check_validation(const Scope& at, const TableAction& action) {
  if (!at.context.transactional) return;
  const auto found = at.not_valid_added.find({at.statement.table, action.constraint_name});
  if (found == at.not_valid_added.end()) return;
  const bool foreign_key = found->second == Constraint::foreign_key;
  at(foreign_key ? "foreign-key-not-valid" : "check-not-valid",
     "VALIDATE CONSTRAINT `" + action.constraint_name + "` runs in the transaction that added it NOT VALID, " +
         "so the ADD's lock on `" + at.statement.table + "` is still held while every row is checked",
     "move the VALIDATE CONSTRAINT to a later revision (or give this one `transactional = false`)");
}

void check_column_changes(const Scope& at, const TableAction& action) {
  const auto column = "`" + action.column + "`";
  const auto& table = at.statement.table;
  if (action.kind == Action::set_not_null && !contains(at.validated_checks, table))
    at("set-not-null",
       "SET NOT NULL on column " + column + " of existing table `" + table +
           "` checks every row under an ACCESS EXCLUSIVE lock: every read and write of it waits for the scan",
       "in one revision: ADD CONSTRAINT name CHECK (" + action.column +
           " IS NOT NULL) NOT VALID; in the next: VALIDATE CONSTRAINT name, then SET NOT NULL (PostgreSQL 12 and "
           "later skip the scan when a valid CHECK proves it), then DROP CONSTRAINT name");
  if (action.kind == Action::alter_column_type)
    at("change-column-type",
       "changing the type of column " + column + " of existing table `" + table +
           "` rewrites the table and rebuilds its indexes under an ACCESS EXCLUSIVE lock (unless the types are "
           "binary-compatible, such as a longer varchar)",
       "add a column of the new type, fill it in batches, switch the code to it, then drop the old one "
       "(`migrate lint --rehearse` shows whether this change rewrites)");
  if (action.kind == Action::rename_column)
    at("rename-column",
       "renaming column " + column + " of `" + table + "` to `" + action.new_name +
           "` breaks the release still running, which reads and writes the old name until it is replaced",
       "add the new column, write both and fill it, release code that uses only the new one, then drop the "
       "old column in a later revision");
  if (action.kind == Action::drop_column)
    at("drop-column",
       "dropping column " + column + " of `" + table +
           "` breaks the release still running if it reads or writes it (an ORM lists every column it knows)",
       "release code that no longer uses the column first, then drop it in a later revision");
}

void check_alter_table(const Scope& at) {
  if (at.statement.kind != Kind::alter_table || !at.existing_table()) return;
  for (const auto& action : at.statement.actions) {
    if (action.kind == Action::add_column) check_new_column(at, action);
    if (action.kind == Action::add_constraint) check_constraint(at, action, /*inline_in_new_column=*/false);
    if (action.kind == Action::validate_constraint) check_validation(at, action);
    check_column_changes(at, action);
  }
}

// ---- tables the running release uses ----

void check_table_compatibility(const Scope& at) {
  const auto& statement = at.statement;
  if (statement.kind == Kind::rename_table && at.existing_table())
    at("rename-table",
       "renaming table `" + statement.table + "` to `" + statement.new_name +
           "` breaks the release still running, which uses the old name until it is replaced",
       "create the new table (or rename and leave a view with the old name), release code that uses only the "
       "new name, then drop the old name in a later revision");
  if (statement.kind != Kind::drop_table) return;
  std::vector<std::string> existing;
  for (const auto& dropped : statement.drops)
    if (!contains(at.new_tables, dropped.name)) existing.push_back(dropped.name);
  if (!existing.empty())
    at("drop-table",
       "dropping table " + quoted_list(existing) + " breaks the release still running if it reads or writes it",
       "release code that no longer uses the table first, then drop it in a later revision");
}

// ---- lock_timeout ----

// Whether a lock_timeout value turns the timeout off ("0", "0ms", "0s", ...) or resets it.
bool disables_timeout(std::string_view value) {
  const auto digits = value.substr(0, value.find_first_not_of("0123456789"));
  return digits.empty() || digits.find_first_not_of('0') == std::string_view::npos;
}

// The existing tables a statement locks in ACCESS EXCLUSIVE mode ("the index's table" for a
// DROP INDEX, which does not name it).
std::vector<std::string> exclusive_locks_on_existing(const Scope& at) {
  std::vector<std::string> locked;
  for (const auto& table : at.statement.access_exclusive)
    if (!contains(at.new_tables, table)) locked.push_back("`" + table + "`");
  if (at.statement.kind == Kind::drop_index && !at.statement.concurrently)
    for (const auto& dropped : at.statement.drops)
      if (!contains(at.new_indexes, dropped.name)) locked.push_back("the table of index `" + dropped.name + "`");
  return locked;
}

void report_missing_lock_timeout(const Scope& at, const std::vector<std::string>& locked) {
  at("missing-lock-timeout",
     "this statement locks " + util::join(locked, ", ") +
         " in ACCESS EXCLUSIVE mode with no lock_timeout: while it waits behind a long query or open "
         "transaction, every read and write of the table queues behind it",
     "set a lock_timeout for the revision: `-- lock_timeout = \"5s\"` in its header, `lock_timeout = \"5s\"` in "
     "migrate.toml, or `SET lock_timeout = '5s'` before this statement; retry the upgrade when it times out");
}

// The revision's own bookkeeping as the upgrade goes: indexes created, constraints added
// NOT VALID or validated, and whether a lock_timeout applies.
struct History {
  std::set<std::string> new_indexes;
  std::map<std::pair<std::string, std::string>, Constraint> not_valid_added;
  std::set<std::string> validated_checks;
  bool lock_timeout = false;
  bool lock_timeout_reported = false;

  void record(const RevisionContext& context, const StatementFacts& statement) {
    for (const auto& created : statement.creates)
      if (created.kind == ObjectRef::Kind::index) new_indexes.insert(created.name);
    for (const auto& action : statement.actions) {
      if (action.kind == Action::add_constraint && action.not_valid)
        not_valid_added[{statement.table, action.constraint_name}] = action.constraint;
      const auto added = not_valid_added.find({statement.table, action.constraint_name});
      const bool foreign_key = added != not_valid_added.end() && added->second == Constraint::foreign_key;
      if (action.kind == Action::validate_constraint && !foreign_key) validated_checks.insert(statement.table);
    }
    // SET LOCAL outside a transaction block lasts for its own statement only.
    if (statement.kind == Kind::set_setting && statement.setting == "lock_timeout" &&
        (context.transactional || !statement.local))
      lock_timeout = !disables_timeout(statement.value);
  }
};

}  // namespace

void check_postgres_rules(const RevisionContext& context, const Report& report) {
  if (context.transactional) {
    // The downgrade runs in a transaction too: a statement the server refuses there would
    // fail the rollback of a release, the worst moment to find out.
    check_refused_in_transaction(context.upgrade, report);
    check_refused_in_transaction(context.downgrade, report);
  }
  History history;
  history.lock_timeout = context.lock_timeout_configured;
  for (std::size_t i = 0; i < context.upgrade.size(); ++i) {
    const auto& statement = context.upgrade[i];
    if (statement.kind == Kind::unparsed) continue;
    const Scope at{context,
                   report,
                   statement,
                   tables_created_before(context, i),
                   history.new_indexes,
                   history.not_valid_added,
                   history.validated_checks};
    check_index_locks(at);
    check_alter_table(at);
    check_table_compatibility(at);
    const auto locked = exclusive_locks_on_existing(at);
    if (!locked.empty() && !history.lock_timeout && !history.lock_timeout_reported) {
      report_missing_lock_timeout(at, locked);
      history.lock_timeout_reported = true;
    }
    history.record(context, statement);
  }
}

}  // namespace migrate::lint
