#pragma once
/// Test hooks of the command-line tool, for the crash and interrupt tests: a RunObserver
/// that ends or signals the process at an exact point of a run. Read from the environment
/// once, when the tool starts; inert when neither variable is set.
///
///  - `MIGRATE_TEST_CRASH_AFTER_STATEMENT=N`: `raise(SIGKILL)` right after the N-th revision
///    statement of the run completes (1-based, counted across the whole run, transactional
///    or not). For a non-transactional revision that is after the statement's progress is
///    recorded in the journal, so statements_done == N (counting that revision's statements).
///  - `MIGRATE_TEST_SIGNAL_AFTER_STATEMENT=N[:INT|:TERM]`: `raise()` SIGTERM (default) or
///    SIGINT at the same point, to exercise the between-statements path deterministically.
///  - `MIGRATE_TEST_CRASH_BEFORE_ALONE_STATEMENT=N`: `raise(SIGKILL)` when the N-th statement
///    (same count) is about to run on its own outside a transaction, its intent recorded:
///    the state a kill during such a statement leaves (it "may have run").

#include "runtime/run_control.hpp"

namespace migrate::cli {

class TestHooks : public runtime::RunObserver {
 public:
  /// Reads the three variables.
  TestHooks();
  /// True when a hook is set (otherwise the tool need not observe runs at all).
  bool active() const { return m_crash_after > 0 || m_signal_after > 0 || m_crash_before_alone > 0; }
  void statement_finished(int number) override;
  void statement_running_alone(int number) override;

 private:
  int m_crash_after = 0;
  int m_crash_before_alone = 0;
  int m_signal_after = 0;
  int m_signal = 0;
};

}  // namespace migrate::cli
