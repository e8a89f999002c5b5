#pragma once
/// The one loop that runs a revision's statements on a database, shared by the runner
/// (transactional and non-transactional revisions) and `repair --resume`. It decides nothing
/// about transactions, the version table or the journal: it runs statements, tells the
/// observer, honours stop requests, and says how far it got. The caller decides what a
/// failure or a stop means for its step (roll back, mark the revision partial, ...).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "runtime/run_control.hpp"
#include "sql/statements.hpp"

namespace migrate::runtime {

class StepExecutor {
 public:
  enum class Mode {
    /// Inside a transaction the caller holds. A stop request cancels the running statement
    /// (StopToken::CancelWindow) and is reported before the next statement and after the
    /// last one; a statement that ends the transaction (COMMIT/ROLLBACK in the revision's
    /// SQL) throws Error{database}, since its changes may be committed unrecorded.
    in_transaction,
    /// Outside the caller's transactions, each statement committed on its own, with its
    /// progress record: a statement that may run in a transaction runs in one of its own
    /// together with `Progress::done`, so statement and record commit or vanish together; one
    /// that cannot (sql::runs_outside_transaction, or the server says so with SQLSTATE
    /// 25001) first records its intent (`Progress::started`), then runs alone, then `done`.
    /// A stop request lets the running statement finish and is reported before the next one
    /// (not after the last: the revision is then complete).
    one_by_one,
  };

  /// How a one_by_one run records its progress; either may be empty. A DatabaseError either
  /// throws counts as the statement's failure (for `done` inside the statement's own
  /// transaction, that statement is then rolled back with it).
  struct Progress {
    /// Statement `number` (1-based in the list) is about to run on its own.
    std::function<void(int number)> started;
    /// The first `done` statements of the list completed.
    std::function<void(int done)> done;
  };

  /// How a run of statements ended.
  struct Outcome {
    enum class End { completed, failed, stopped };
    End end = End::completed;
    /// Statements of the list that completed (the failed one is number done + 1).
    int done = 0;
    /// End::failed: the database's error for statement `done` (0-based index).
    std::optional<backend::DatabaseError> error;
    /// End::stopped: the signal that asked for it.
    int signal = 0;
  };

  /// Whose statements these are, for the error about a COMMIT/ROLLBACK in the SQL.
  struct Owner {
    std::string revision;
    std::string file;
  };

  /// `db`, `stop` and `observer` (nullable) must outlive the executor. One executor serves a
  /// whole run: it numbers the run's statements for RunObserver::statement_finished.
  StepExecutor(backend::Backend& db, StopToken& stop, RunObserver* observer)
      : m_db(db), m_stop(stop), m_observer(observer) {}

  /// Runs `statements` from index `first` on; `progress` is for one_by_one only. Throws only
  /// Error (COMMIT/ROLLBACK in the SQL of a transactional run) and what the observer throws;
  /// database failures come back in the Outcome.
  Outcome run(const std::vector<sql::Statement>& statements, std::size_t first, Mode mode, const Owner& owner,
              const Progress& progress = {});

 private:
  Outcome run_in_transaction(const std::vector<sql::Statement>& statements, std::size_t first,
                             const Owner& owner);
  Outcome run_one_by_one(const std::vector<sql::Statement>& statements, std::size_t first,
                         const Progress& progress);
  /// Runs statement `k` in a transaction of its own with progress.done(k + 1). Returns false,
  /// having changed nothing, when the server refuses to run it inside a transaction block.
  bool run_with_record(const sql::Statement& statement, std::size_t k, const Progress& progress);
  void run_alone(const sql::Statement& statement, std::size_t k, const Progress& progress);
  void finished_one();

  backend::Backend& m_db;
  StopToken& m_stop;
  RunObserver* m_observer;
  int m_statements_run = 0;
};

}  // namespace migrate::runtime
