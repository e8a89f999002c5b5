// Every lint rule with its dialect, default severity and what it prevents. `[lint]` in
// migrate.toml may name only these ids; `lint --list-rules` prints this table.
#include "lint/rules.hpp"

namespace migrate::lint {

const std::vector<RuleInfo>& all_rules() {
  constexpr Severity error = Severity::error;
  constexpr Severity warning = Severity::warning;
  static const std::vector<RuleInfo> rules{
      // PostgreSQL: locks and rewrites on tables the running release uses.
      {"require-concurrent-index", "postgresql", error,
       "CREATE/DROP INDEX without CONCURRENTLY blocks writes to an existing table while it runs"},
      {"concurrent-index-in-transaction", "postgresql", error,
       "CREATE/DROP INDEX CONCURRENTLY cannot run inside the transaction of a transactional revision"},
      {"foreign-key-not-valid", "postgresql", error,
       "a foreign key added to an existing table without NOT VALID scans it under a lock that blocks writes"},
      {"check-not-valid", "postgresql", error,
       "a CHECK constraint added to an existing table without NOT VALID scans it under ACCESS EXCLUSIVE"},
      {"set-not-null", "postgresql", error,
       "SET NOT NULL scans the whole table under ACCESS EXCLUSIVE"},
      {"add-column-volatile-default", "postgresql", error,
       "a column added with a volatile default (or a stored generated column) rewrites the table"},
      {"add-column-not-null-without-default", "both", error,
       "a NOT NULL column added without a default fails on a table that holds rows"},
      {"change-column-type", "postgresql", error,
       "changing a column's type rewrites the table (and its indexes) under ACCESS EXCLUSIVE"},
      {"unique-without-index", "postgresql", error,
       "ADD UNIQUE / PRIMARY KEY without USING INDEX builds the index under ACCESS EXCLUSIVE"},
      {"rename-column", "postgresql", warning, "renaming a column breaks the release still running against it"},
      {"rename-table", "postgresql", warning, "renaming a table breaks the release still running against it"},
      {"drop-column", "postgresql", warning, "dropping a column breaks the release still reading it"},
      {"drop-table", "postgresql", warning, "dropping a table breaks the release still reading it"},
      {"missing-lock-timeout", "postgresql", warning,
       "an ACCESS EXCLUSIVE lock taken with no lock_timeout queues every other query behind it"},
      {"non-transactional-statement-in-transaction", "both", error,
       "VACUUM, CREATE DATABASE, ALTER SYSTEM, ATTACH, ... cannot run inside a transaction"},
      // SQLite: what SQLite ignores or refuses.
      {"pragma-in-transaction", "sqlite", error,
       "PRAGMA foreign_keys, journal_mode, synchronous, ... do nothing or fail inside a transaction"},
      {"alter-not-supported", "sqlite", error,
       "ALTER TABLE forms SQLite cannot run: ALTER COLUMN, ADD/DROP CONSTRAINT, a PRIMARY KEY or UNIQUE column"},
      // Both dialects: can the revision be reverted, and does its downgrade undo it.
      {"irreversible", "both", warning, "a revision without a downgrade section cannot be reverted"},
      {"downgrade-incomplete", "both", error, "the downgrade leaves an object behind that the upgrade created"},
      {"dialect-section-missing", "both", error,
       "an upgrade written for one dialect whose downgrade is the generic one (or the reverse)"},
      // About the files and the ignore comments themselves.
      {"parse-error", "both", error, "a statement the dialect's parser refuses: the database would refuse it too"},
      {"lint-ignore-without-reason", "both", warning, "a `-- migrate:lint-ignore` comment that gives no reason"},
      {"unused-lint-ignore", "both", warning, "a `-- migrate:lint-ignore` comment that silences nothing"},
  };
  return rules;
}

}  // namespace migrate::lint
