#include "runtime/step_executor.hpp"

#include <fmt/format.h>

#include "runtime/transaction.hpp"
#include "sql/effects.hpp"

namespace migrate::runtime {
namespace {

using Outcome = StepExecutor::Outcome;

Outcome stopped(int done, int signal) {
  Outcome o;
  o.end = Outcome::End::stopped;
  o.done = done;
  o.signal = signal;
  return o;
}

Outcome failed(int done, const backend::DatabaseError& e) {
  Outcome o;
  o.end = Outcome::End::failed;
  o.done = done;
  o.error = e;
  return o;
}

Outcome completed(int done) {
  Outcome o;
  o.done = done;
  return o;
}

}  // namespace

StepExecutor::Outcome StepExecutor::run(const std::vector<sql::Statement>& statements, std::size_t first,
                                        Mode mode, const Owner& owner, const Progress& progress) {
  if (mode == Mode::in_transaction) return run_in_transaction(statements, first, owner);
  return run_one_by_one(statements, first, progress);
}

void StepExecutor::finished_one() {
  ++m_statements_run;
  if (m_observer) m_observer->statement_finished(m_statements_run);
}

StepExecutor::Outcome StepExecutor::run_in_transaction(const std::vector<sql::Statement>& statements,
                                                       std::size_t first, const Owner& owner) {
  // A stop request now also cancels the running statement: all of it rolls back anyway.
  StopToken::CancelWindow cancel(m_stop, m_db);
  int done = static_cast<int>(first);
  for (std::size_t k = first; k < statements.size(); ++k) {
    if (int sig = m_stop.requested()) return stopped(done, sig);
    try {
      m_db.execute_script(statements[k].text);
    } catch (const backend::DatabaseError& e) {
      if (int sig = m_stop.requested()) return stopped(done, sig);
      return failed(done, e);
    }
    // A COMMIT or ROLLBACK in the revision's own SQL ends the transaction it runs in: its
    // changes may be committed while the version table does not say so. Stop here.
    if (!m_db.in_transaction())
      throw Error(ErrorKind::database,
                  fmt::format("revision {} ({}) ended the transaction it runs in (a COMMIT or ROLLBACK in its "
                              "SQL, line {}); its changes may be committed, but it is not recorded as applied",
                              owner.revision, owner.file, statements[k].line),
                  "remove the COMMIT/ROLLBACK or declare `transactional = false` in its header; then check the "
                  "schema and record the real state with `migrate stamp`");
    ++done;
    finished_one();
  }
  if (int sig = m_stop.requested()) return stopped(done, sig);
  return completed(done);
}

/// SQLSTATE 25001 active_sql_transaction: "cannot run inside a transaction block", raised
/// before the statement does anything.
constexpr const char* k_active_sql_transaction = "25001";

bool StepExecutor::run_with_record(const sql::Statement& statement, std::size_t k, const Progress& progress) {
  Transaction transaction(m_db);
  try {
    m_db.execute_script(statement.text);
  } catch (const backend::DatabaseError& e) {
    if (e.details().sqlstate == k_active_sql_transaction) return false;
    throw;
  }
  if (progress.done) progress.done(static_cast<int>(k) + 1);
  transaction.commit();
  return true;
}

void StepExecutor::run_alone(const sql::Statement& statement, std::size_t k, const Progress& progress) {
  if (progress.started) progress.started(static_cast<int>(k) + 1);
  if (m_observer) m_observer->statement_running_alone(m_statements_run + 1);
  m_db.execute_script(statement.text);
  if (progress.done) progress.done(static_cast<int>(k) + 1);
}

StepExecutor::Outcome StepExecutor::run_one_by_one(const std::vector<sql::Statement>& statements,
                                                   std::size_t first, const Progress& progress) {
  for (std::size_t k = first; k < statements.size(); ++k) {
    int done = static_cast<int>(k);
    try {
      const auto& statement = statements[k];
      bool alone = sql::runs_outside_transaction(statement.text, m_db.dialect()) || m_db.in_transaction();
      if (alone || !run_with_record(statement, k, progress)) run_alone(statement, k, progress);
    } catch (const backend::DatabaseError& e) {
      return failed(done, e);
    }
    finished_one();
    // The statement that was running when a stop came could not be undone; the revision
    // stops before the next one (after the last, it is complete and goes on to be recorded).
    if (int sig = m_stop.requested(); sig && k + 1 < statements.size()) return stopped(done + 1, sig);
  }
  return completed(static_cast<int>(statements.size()));
}

}  // namespace migrate::runtime
