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
    /// Outside a transaction, each statement committing by itself. `progress` is called after
    /// each statement; a stop request lets the running statement finish and is reported
    /// before the next one (not after the last: the revision is then complete).
    one_by_one,
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

  /// Runs `statements` from index `first` on. `progress(k)` (one_by_one only; may be empty)
  /// records that the first k statements completed; a DatabaseError it throws counts as the
  /// statement's failure. Throws only Error (COMMIT/ROLLBACK in the SQL) and what the
  /// observer throws; database failures come back in the Outcome.
  Outcome run(const std::vector<sql::Statement>& statements, std::size_t first, Mode mode, const Owner& owner,
              const std::function<void(int)>& progress = {});

 private:
  Outcome run_in_transaction(const std::vector<sql::Statement>& statements, std::size_t first,
                             const Owner& owner);
  Outcome run_one_by_one(const std::vector<sql::Statement>& statements, std::size_t first,
                         const std::function<void(int)>& progress);
  void finished_one();

  backend::Backend& m_db;
  StopToken& m_stop;
  RunObserver* m_observer;
  int m_statements_run = 0;
};

}  // namespace migrate::runtime
