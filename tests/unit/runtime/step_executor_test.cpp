// StepExecutor (the one statement loop of the runner and `repair --resume`) and StopToken,
// on the FakeBackend: what runs, what is reported, when a stop is honoured.

#include "runtime/step_executor.hpp"

#include <gtest/gtest.h>

#include <csignal>

#include "runtime/run_control.hpp"
#include "support/fake_backend.hpp"

namespace migrate {
namespace {

using runtime::StepExecutor;
using runtime::StopToken;
using End = StepExecutor::Outcome::End;

std::vector<sql::Statement> statements(std::vector<std::string> texts) {
  std::vector<sql::Statement> out;
  int line = 10;
  for (auto& t : texts) out.push_back({std::move(t), line++});
  return out;
}

std::vector<std::string> scripts_run(const test::FakeBackend& db) {
  std::vector<std::string> out;
  for (const auto& c : db.calls)
    if (c.rfind("execute_script: ", 0) == 0) out.push_back(c.substr(16));
  return out;
}

/// Counts statement_finished calls and can ask for a stop at the N-th.
class Recorder : public runtime::RunObserver {
 public:
  Recorder(StopToken& stop, int stop_at = 0) : m_stop(stop), m_stop_at(stop_at) {}
  void statement_finished(int number) override {
    numbers.push_back(number);
    if (number == m_stop_at) m_stop.request_stop(SIGTERM);
  }
  std::vector<int> numbers;

 private:
  StopToken& m_stop;
  int m_stop_at;
};

const StepExecutor::Owner k_owner{"rev1", "versions/rev1.sql"};

TEST(StepExecutorTest, InTransactionRunsEveryStatementAndNumbersThemAcrossCalls) {
  test::FakeBackend db;
  StopToken stop;
  StopToken::Armed armed(stop);
  Recorder observer(stop);
  StepExecutor executor(db, stop, &observer);
  db.begin();
  auto first = executor.run(statements({"CREATE TABLE a (x)", "INSERT INTO a VALUES (1)"}), 0,
                            StepExecutor::Mode::in_transaction, k_owner);
  auto second = executor.run(statements({"CREATE TABLE b (x)"}), 0, StepExecutor::Mode::in_transaction, k_owner);
  db.commit();
  EXPECT_EQ(first.end, End::completed);
  EXPECT_EQ(first.done, 2);
  EXPECT_EQ(second.done, 1);
  EXPECT_EQ(observer.numbers, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(scripts_run(db),
            (std::vector<std::string>{"CREATE TABLE a (x)", "INSERT INTO a VALUES (1)", "CREATE TABLE b (x)"}));
}

TEST(StepExecutorTest, AFailingStatementIsReportedWithItsIndexAndTheRestDoesNotRun) {
  test::FakeBackend db;
  StopToken stop;
  StepExecutor executor(db, stop, nullptr);
  db.fail_on = "nope";
  db.begin();
  auto outcome = executor.run(statements({"CREATE TABLE a (x)", "INSERT INTO nope VALUES (1)", "CREATE TABLE c (x)"}),
                              0, StepExecutor::Mode::in_transaction, k_owner);
  db.rollback();
  EXPECT_EQ(outcome.end, End::failed);
  EXPECT_EQ(outcome.done, 1);
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(scripts_run(db).size(), 2u);
}

TEST(StepExecutorTest, AStopInATransactionCancelsAndIsReportedBeforeTheNextStatement) {
  test::FakeBackend db;
  StopToken stop;
  StopToken::Armed armed(stop);
  Recorder observer(stop, 1);
  StepExecutor executor(db, stop, &observer);
  db.begin();
  auto outcome = executor.run(statements({"CREATE TABLE a (x)", "CREATE TABLE b (x)"}), 0,
                              StepExecutor::Mode::in_transaction, k_owner);
  db.rollback();
  EXPECT_EQ(outcome.end, End::stopped);
  EXPECT_EQ(outcome.signal, SIGTERM);
  EXPECT_EQ(outcome.done, 1);
  EXPECT_EQ(db.cancel_requests.load(), 1);  // the cancel window was open
  EXPECT_EQ(scripts_run(db), (std::vector<std::string>{"CREATE TABLE a (x)"}));
}

TEST(StepExecutorTest, ACommitInTheRevisionsSqlIsAnError) {
  test::FakeBackend db;
  StopToken stop;
  StepExecutor executor(db, stop, nullptr);
  db.begin();
  try {
    executor.run(statements({"CREATE TABLE a (x)", "COMMIT"}), 0, StepExecutor::Mode::in_transaction, k_owner);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::database);
    EXPECT_NE(std::string(e.what()).find("revision rev1 (versions/rev1.sql) ended the transaction"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("line 11"), std::string::npos) << e.what();
  }
}

TEST(StepExecutorTest, OneByOneRecordsProgressFromTheFirstIndexAndStopsAfterTheRunningStatement) {
  test::FakeBackend db;
  StopToken stop;
  StopToken::Armed armed(stop);
  Recorder observer(stop, 1);
  StepExecutor executor(db, stop, &observer);
  std::vector<int> progress;
  auto outcome = executor.run(statements({"CREATE TABLE a (x)", "CREATE TABLE b (x)", "CREATE TABLE c (x)"}), 1,
                              StepExecutor::Mode::one_by_one, k_owner,
                              {{}, [&](int done) { progress.push_back(done); }});
  EXPECT_EQ(outcome.end, End::stopped);
  EXPECT_EQ(outcome.done, 2);  // statement 1 ran before; 2 ran now, then the stop
  EXPECT_EQ(progress, (std::vector<int>{2}));
  EXPECT_EQ(db.cancel_requests.load(), 0);  // a statement outside a transaction is never cancelled
  EXPECT_EQ(scripts_run(db), (std::vector<std::string>{"CREATE TABLE b (x)"}));
}

TEST(StepExecutorTest, OneByOneCommitsEachStatementTogetherWithItsProgress) {
  test::FakeBackend db;
  StopToken stop;
  StepExecutor executor(db, stop, nullptr);
  std::vector<std::string> events;
  StepExecutor::Progress progress{[&](int n) { events.push_back("started " + std::to_string(n)); },
                                  [&](int done) {
                                    // Inside the statement's own transaction: they commit together.
                                    events.push_back("done " + std::to_string(done) +
                                                     (db.in_transaction() ? " in transaction" : " alone"));
                                  }};
  auto outcome = executor.run(statements({"CREATE TABLE a (x)", "INSERT INTO a VALUES (1)"}), 0,
                              StepExecutor::Mode::one_by_one, k_owner, progress);
  EXPECT_EQ(outcome.end, End::completed);
  EXPECT_EQ(events, (std::vector<std::string>{"done 1 in transaction", "done 2 in transaction"}));
  EXPECT_EQ(db.writes(), (std::vector<std::string>{"begin", "execute_script: CREATE TABLE a (x)", "commit", "begin",
                                                   "execute_script: INSERT INTO a VALUES (1)", "commit"}));
}

TEST(StepExecutorTest, OneByOneRecordsTheIntentOfAStatementThatCannotRunInATransaction) {
  test::FakeBackend db;
  StopToken stop;
  StepExecutor executor(db, stop, nullptr);
  std::vector<std::string> events;
  StepExecutor::Progress progress{[&](int n) { events.push_back("started " + std::to_string(n)); },
                                  [&](int done) { events.push_back("done " + std::to_string(done)); }};
  auto outcome = executor.run(statements({"PRAGMA user_version = 7", "VACUUM"}), 0, StepExecutor::Mode::one_by_one,
                              k_owner, progress);
  EXPECT_EQ(outcome.end, End::completed);
  EXPECT_EQ(events, (std::vector<std::string>{"started 1", "done 1", "started 2", "done 2"}));
  EXPECT_EQ(db.writes(),
            (std::vector<std::string>{"execute_script: PRAGMA user_version = 7", "execute_script: VACUUM"}));
}

TEST(StepExecutorTest, OneByOneRollsBackAStatementWhoseProgressCannotBeRecorded) {
  test::FakeBackend db;
  StopToken stop;
  StepExecutor executor(db, stop, nullptr);
  StepExecutor::Progress progress{{}, [&](int) {
                                    throw backend::DatabaseError("journal gone", {});
                                  }};
  auto outcome =
      executor.run(statements({"CREATE TABLE a (x)"}), 0, StepExecutor::Mode::one_by_one, k_owner, progress);
  EXPECT_EQ(outcome.end, End::failed);
  EXPECT_EQ(outcome.done, 0);
  EXPECT_FALSE(db.inner().catalog().table_exists("", "a"));  // the statement went with its record
}

TEST(StepExecutorTest, OneByOneFinishesWhenTheStopComesAfterTheLastStatement) {
  test::FakeBackend db;
  StopToken stop;
  StopToken::Armed armed(stop);
  Recorder observer(stop, 2);
  StepExecutor executor(db, stop, &observer);
  auto outcome = executor.run(statements({"CREATE TABLE a (x)", "CREATE TABLE b (x)"}), 0,
                              StepExecutor::Mode::one_by_one, k_owner);
  EXPECT_EQ(outcome.end, End::completed);
  EXPECT_EQ(outcome.done, 2);
  EXPECT_EQ(stop.requested(), SIGTERM);  // left for the caller, which stops before the next step
}

TEST(StopTokenTest, TakesOneRequestOnlyWhileArmed) {
  StopToken stop;
  EXPECT_FALSE(stop.request_stop(SIGINT));
  EXPECT_EQ(stop.requested(), 0);
  {
    StopToken::Armed armed(stop);
    EXPECT_TRUE(stop.request_stop(SIGTERM));
    EXPECT_FALSE(stop.request_stop(SIGINT));  // a second one: the caller's default applies
    EXPECT_EQ(stop.requested(), SIGTERM);
  }
  EXPECT_EQ(stop.requested(), 0);
  EXPECT_FALSE(stop.request_stop(SIGTERM));
}

TEST(StopTokenTest, CancelsTheRunningStatementOnlyInsideACancelWindow) {
  test::FakeBackend db;
  StopToken stop;
  StopToken::Armed armed(stop);
  { StopToken::CancelWindow window(stop, db); }
  EXPECT_TRUE(stop.request_stop(SIGINT));
  EXPECT_EQ(db.cancel_requests.load(), 0);
  StopToken again;
  StopToken::Armed armed_again(again);
  StopToken::CancelWindow window(again, db);
  EXPECT_TRUE(again.request_stop(SIGINT));
  EXPECT_EQ(db.cancel_requests.load(), 1);
}

}  // namespace
}  // namespace migrate
