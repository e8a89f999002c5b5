#pragma once
/// Internals of the change planner (changes.hpp), shared by its per-dialect files.

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "schema/changes.hpp"
#include "schema/model.hpp"

namespace migrate::schema::changes_detail {

/// When a change runs: the plan is these phases in order, each change in the order it was
/// added to its phase. Drops first (reverse dependency order), then creates.
enum class Phase {
  drop_triggers,
  drop_policies,
  drop_views,
  drop_foreign_keys,
  drop_indexes,
  drop_constraints,  ///< and column defaults about to change (a default may use a dropped sequence)
  drop_columns,
  drop_objects,  ///< tables, functions and types, in reverse dependency order
  drop_sequences,
  drop_extensions,
  drop_schemas,
  create_schemas,
  create_extensions,
  alter_types,
  create_sequences,
  create_objects,  ///< types, functions and tables, in dependency order
  alter_tables,    ///< columns added and changed; SQLite rebuilds
  create_constraints,
  sequence_owners,
  create_foreign_keys,
  create_views,
  create_indexes,
  create_triggers,
  row_security,
  comments,
};

using NameKey = std::pair<std::string, std::string>;

std::string display(const Name& n);

/// The plan being built, and what both dialects' table planners need to know of the rest.
class Planner {
 public:
  Planner(const Schema& from, const Schema& to) : from(from), to(to), dialect(to.dialect) {}

  const Schema& from;
  const Schema& to;
  Dialect dialect;

  NameKey key(const Name& n) const;
  std::string key(const std::string& name) const { return name_key(name, dialect); }

  void add(Phase phase, std::string description, std::string sql, bool destructive);
  void note(std::string text) { m_notes.push_back(std::move(text)); }

  /// A table, view, function or type that is dropped, re-created or whose columns change
  /// type or disappear: what reads it must be dropped first and re-created after. The flag
  /// says whether that change is destructive (what it drags along is then too).
  void disturb(const Name& n, bool destructive);
  /// A table dropped and created again (a SQLite rebuild): its indexes and triggers go too.
  void replace(const Name& n, bool destructive);
  /// nullptr, or whether the disturbance of `n` is destructive.
  const bool* disturbed(const Name& n) const;
  const bool* replaced(const Name& n) const;
  const std::map<NameKey, bool>& disturbances() const { return m_disturbed; }

  ChangePlan finish(const ChangeOptions& options);

  /// Types, functions and tables to drop (from `from`) and to create (from `to`): dropped in
  /// reverse dependency order and created in dependency order as one graph, at the end.
  /// The flag of a drop: destructive; of a create: whether it re-creates after a
  /// destructive drop.
  struct Objects {
    std::vector<std::pair<const Type*, bool>> types;
    std::vector<std::pair<const Function*, bool>> functions;
    std::vector<std::pair<const Table*, bool>> tables;
  };
  Objects to_drop, to_create;

 private:
  struct Step {
    Phase phase;
    SchemaChange change;
  };
  std::vector<Step> m_steps;
  std::vector<std::string> m_notes;
  std::map<NameKey, bool> m_disturbed, m_replaced;
};

/// Dialect parts. Each adds its steps to the planner, and what to drop and create to
/// Planner::to_drop / to_create.
void plan_postgres_objects(Planner& p);  ///< schemas, extensions, types, sequences
void plan_postgres_tables(Planner& p);
void plan_postgres_functions(Planner& p);  ///< after the tables: what they re-create counts
void plan_sqlite_tables(Planner& p);

/// Statements of one object, per dialect: creation (render's pieces) and drop.
std::string create_sql(Dialect d, const Table& t);
std::string create_sql(Dialect d, const View& v);
std::string create_sql(Dialect d, const Index& i);
std::string create_sql(Dialect d, const Trigger& t);
std::string drop_view_sql(Dialect d, const View& v);
std::string drop_index_sql(Dialect d, const Index& i);
std::string drop_trigger_sql(Dialect d, const Trigger& t);
std::string drop_table_sql(Dialect d, const Table& t);

/// `COMMENT ON <what> IS '...'` or `IS NULL`.
std::string pg_set_comment(const std::string& what, const std::string& comment);

}  // namespace migrate::schema::changes_detail
