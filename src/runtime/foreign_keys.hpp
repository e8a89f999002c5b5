#pragma once
/// SQLite foreign keys around the runner's transactions (docs/database-state.md).
///
/// SQLite enforces foreign keys only while the connection's `foreign_keys` switch is on, and
/// with it on, the table rebuild that stands in for most ALTER TABLE forms (create the new
/// table, copy, drop the old one, rename) would cascade the DROP into child rows. So the
/// runner switches enforcement off before each transaction and checks instead, before each
/// commit, the tables the transaction's revisions could have broken:
///  - the tables a revision names (every identifier of its statements that is a table's
///    name: over-approximating costs a check, never a wrong answer), and
///  - the child side of every foreign key whose child or parent is such a table, because a
///    new violation can only appear in a child row, and only when the child (an insert,
///    an update, a rebuild) or its parent (a delete, a drop) changed.
/// The foreign keys of every table are read once per guard and then, before each commit, again
/// only for the tables the transaction's revisions name, and only when they could have changed
/// (the revision says REFERENCES, or names a table that has foreign keys; a rename re-reads
/// them all, as SQLite rewrites the children's keys): on a schema of a thousand tables a
/// revision costs at most one look-up of its own tables, not a pass over every table.
/// Each of those tables is checked before the revision's first statement too: a violation
/// already there is reported as a warning, not a failure (violations are compared by table,
/// parent and key, so a rebuild that renumbers rowids does not make an old one look new).
/// A new violation is Error{database} naming the table, the row, its key and the parent
/// it misses, located at the last statement that named the table; the caller rolls back.
///
/// Not covered: rows changed through triggers on tables the revision does not name, and
/// non-transactional revisions (their statements commit one by one; nothing can be rolled
/// back at the end).
///
/// A backend without ForeignKeyChecks (PostgreSQL: the server enforces foreign keys) makes
/// every call a no-op, and so does `foreign_key_check = false` for the checks (enforcement
/// is still switched off: the rebuild must still not cascade).

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "sql/statements.hpp"

namespace migrate::runtime {

/// The table names a script's statements mention: every bare or quoted identifier, ASCII
/// lower-cased (SQLite compares names that way), keywords included.
std::set<std::string> names_in(const std::vector<sql::Statement>& statements, Dialect dialect);

class ForeignKeyGuard {
 public:
  /// `check`: the configuration's `foreign_key_check`. `db` must outlive the guard.
  ForeignKeyGuard(backend::Backend& db, bool check);

  /// Call before each BEGIN of the run: switches enforcement off, and forgets what an
  /// earlier transaction left (one that ended in a rollback).
  void before_begin();
  /// Call in the open transaction before a revision's first statement: remembers its
  /// statements and records the violations already present in the tables they can break.
  void revision_starting(const std::string& revision, const std::string& file,
                         const std::vector<sql::Statement>& statements);
  /// Call before the COMMIT (or, in a dry run, where it would be): checks the tables of every
  /// revision since BEGIN, warns about the old violations and throws Error{database} for new
  /// ones; `rollback_hint(revision)` says what the rollback undoes. Then forgets them.
  void before_commit(const std::function<std::string(const std::string& revision)>& rollback_hint);

 private:
  struct Revision {
    std::string id;
    std::string file;
    std::vector<sql::Statement> statements;
    std::set<std::string> names;
  };
  /// A violation as compared before and after: table, parent and key (lower-cased names).
  using Identity = std::string;

  /// The tables where a row can break a foreign key when the tables called `names` change:
  /// every table with a foreign key whose child or parent is named (from m_tables).
  std::vector<std::string> tables_to_check(const std::set<std::string>& names);
  /// Reads the foreign keys of the tables called `names` again (all of them for a rename).
  void refresh(const std::set<std::string>& names);
  /// The violations in `tables`; `before`: the count taken before a revision's statements.
  std::vector<backend::ForeignKeyViolation> violations_in(const std::vector<std::string>& tables, bool before);
  Error violation_error(const std::vector<Revision>& revisions, const std::vector<backend::ForeignKeyViolation>& fresh,
                        const std::function<std::string(const std::string&)>& rollback_hint) const;

  backend::ForeignKeyChecks* m_checks;  ///< nullptr: nothing to do
  bool m_check;
  Dialect m_dialect;
  std::vector<Revision> m_revisions;           ///< since BEGIN
  std::set<std::string> m_checked_before;      ///< tables whose old violations are counted
  std::map<Identity, int> m_old;               ///< violations there before, counted
  std::set<std::string> m_uncheckable;         ///< tables SQLite refused to check before
  /// Tables with foreign keys, by lower-cased name; read on first use. Reset when a check
  /// fails (the rollback undoes what the last refresh read).
  std::optional<std::map<std::string, backend::ForeignKeyTable>> m_tables;
};

}  // namespace migrate::runtime
