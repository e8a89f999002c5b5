// lint::apply_evidence: static findings confirmed, cleared or left guessed by what a
// rehearsal measured for their statements.
#include "lint/evidence.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace migrate::lint {
namespace {

using Evidence = Finding::Evidence;

Finding finding(const std::string& rule, int line, const std::string& revision = "r2", int column = 1) {
  Finding f;
  f.rule = rule;
  f.revision = revision;
  f.file = "migrations/versions/" + revision + ".sql";
  f.line = line;
  f.column = column;
  return f;
}

RehearsedStatement ran(int line, std::vector<MeasuredLock> locks, std::vector<std::string> rewritten = {},
                       double ms = 3) {
  RehearsedStatement s;
  s.line = line;
  s.column = 1;
  s.ran = true;
  s.locks_observed = true;
  s.locks = std::move(locks);
  s.rewritten = std::move(rewritten);
  s.duration_ms = ms;
  return s;
}

RevisionRehearsal revision(std::vector<RehearsedStatement> statements, bool transactional = true) {
  RevisionRehearsal r;
  r.revision = "r2";
  r.file = "migrations/versions/r2.sql";
  r.transactional = transactional;
  r.lock_timeout = "5s";
  r.statements = std::move(statements);
  return r;
}

Finding judged(Finding f, const RevisionRehearsal& r) {
  std::vector<Finding> findings{std::move(f)};
  apply_evidence(findings, {r});
  return findings.at(0);
}

TEST(EvidenceTest, LockModesReadFromPgLocksAndOrderedByStrength) {
  EXPECT_EQ(lock_mode_from_pg("ShareLock"), LockMode::share);
  EXPECT_EQ(lock_mode_from_pg("AccessExclusiveLock"), LockMode::access_exclusive);
  EXPECT_EQ(lock_mode_from_pg("ShareUpdateExclusiveLock"), LockMode::share_update_exclusive);
  EXPECT_EQ(lock_mode_from_pg("SIReadLock"), std::nullopt);
  EXPECT_STREQ(to_string(LockMode::share_row_exclusive), "SHARE ROW EXCLUSIVE");
  EXPECT_LT(LockMode::row_exclusive, LockMode::share);
  EXPECT_LT(LockMode::share, LockMode::access_exclusive);
}

TEST(EvidenceTest, AShareLockConfirmsRequireConcurrentIndex) {
  auto f = judged(finding("require-concurrent-index", 7),
                  revision({ran(7, {{"public.users", LockMode::share}}, {}, 3)}));
  EXPECT_EQ(f.evidence, Evidence::confirmed);
  EXPECT_EQ(f.measured, "SHARE on public.users; 3.0 ms");
}

TEST(EvidenceTest, AWeakerLockClearsALockRule) {
  auto f = judged(finding("set-not-null", 7), revision({ran(7, {{"public.users", LockMode::share}}, {}, 12)}));
  EXPECT_EQ(f.evidence, Evidence::cleared);
  EXPECT_EQ(f.measured, "no ACCESS EXCLUSIVE or stronger lock on an existing relation (SHARE on public.users); 12 ms");
  auto none = judged(finding("drop-table", 7), revision({ran(7, {})}));
  EXPECT_EQ(none.evidence, Evidence::cleared);
  EXPECT_EQ(none.measured, "no ACCESS EXCLUSIVE or stronger lock on an existing relation (none taken); 3.0 ms");
}

TEST(EvidenceTest, AStrongerLockConfirmsAndOnlyTheQualifyingRelationsAreNamed) {
  auto f = judged(finding("foreign-key-not-valid", 7),
                  revision({ran(7, {{"public.orders", LockMode::share_row_exclusive},
                                    {"public.users", LockMode::access_exclusive},
                                    {"public.audit", LockMode::row_exclusive}})}));
  EXPECT_EQ(f.evidence, Evidence::confirmed);
  EXPECT_EQ(f.measured, "SHARE ROW EXCLUSIVE on public.orders, ACCESS EXCLUSIVE on public.users; 3.0 ms");
}

TEST(EvidenceTest, ARewriteConfirmsChangeColumnTypeAndNoRewriteClearsIt) {
  auto r = revision({ran(5, {{"public.users", LockMode::access_exclusive}}, {"public.users"}, 41),
                     ran(6, {}, {}, 0.4)});
  std::vector<Finding> findings{finding("change-column-type", 5), finding("change-column-type", 6),
                                finding("add-column-volatile-default", 6)};
  apply_evidence(findings, {r});
  EXPECT_EQ(findings[0].evidence, Evidence::confirmed);
  EXPECT_EQ(findings[0].measured, "rewrote public.users; 41 ms");
  EXPECT_EQ(findings[1].evidence, Evidence::cleared);
  EXPECT_EQ(findings[1].measured, "no table rewritten; 0.4 ms");
  EXPECT_EQ(findings[2].evidence, Evidence::cleared);
}

TEST(EvidenceTest, ALockAnEarlierStatementAlreadyHeldLeavesTheFindingGuessed) {
  auto r = revision({ran(3, {{"public.users", LockMode::access_exclusive}}), ran(4, {})});
  auto f = judged(finding("require-concurrent-index", 4), r);
  EXPECT_EQ(f.evidence, Evidence::guessed);
  EXPECT_EQ(f.measured, "no new lock: the transaction already held ACCESS EXCLUSIVE on public.users; 3.0 ms");
  // Statements that each committed on their own hold nothing from before: cleared.
  auto one_by_one = revision({ran(3, {{"public.users", LockMode::access_exclusive}}), ran(4, {})}, false);
  EXPECT_EQ(judged(finding("require-concurrent-index", 4), one_by_one).evidence, Evidence::cleared);
}

TEST(EvidenceTest, UnobservedLocksFailuresAndStatementsNotRunLeaveFindingsGuessed) {
  auto alone = ran(3, {}, {}, 20);
  alone.locks_observed = false;
  auto failed = ran(4, {}, {}, 5001);
  failed.error = "canceling statement due to lock timeout";
  failed.sqlstate = "55P03";
  RehearsedStatement not_run;
  not_run.line = 5;
  not_run.column = 1;
  not_run.error = "an earlier statement of the revision failed";
  auto r = revision({alone, failed, not_run}, false);
  std::vector<Finding> findings{finding("drop-column", 3), finding("set-not-null", 4), finding("drop-table", 5)};
  apply_evidence(findings, {r});
  for (const auto& f : findings) EXPECT_EQ(f.evidence, Evidence::guessed) << f.rule;
  EXPECT_EQ(findings[0].measured, "locks not observable outside a transaction; 20 ms");
  EXPECT_EQ(findings[1].measured, "failed after 5001 ms: canceling statement due to lock timeout");
  EXPECT_EQ(findings[2].measured, "not run: an earlier statement of the revision failed");
}

TEST(EvidenceTest, ATransactionBlockRefusalConfirmsConcurrentIndexInTransaction) {
  auto refused = ran(3, {});
  refused.error = "CREATE INDEX CONCURRENTLY cannot run inside a transaction block";
  refused.sqlstate = "25001";
  auto f = judged(finding("concurrent-index-in-transaction", 3), revision({refused}));
  EXPECT_EQ(f.evidence, Evidence::confirmed);
  EXPECT_EQ(f.measured, "failed after 3.0 ms: CREATE INDEX CONCURRENTLY cannot run inside a transaction block");
  auto in_block = judged(finding("non-transactional-statement-in-transaction", 3), revision({ran(3, {})}));
  EXPECT_EQ(in_block.evidence, Evidence::cleared);
  EXPECT_EQ(in_block.measured, "ran inside a transaction; 3.0 ms");
}

TEST(EvidenceTest, RulesThatPredictNothingMeasurableStayGuessedWithTheMeasurement) {
  auto f = judged(finding("add-column-not-null-without-default", 7),
                  revision({ran(7, {{"public.users", LockMode::access_exclusive}}, {}, 2)}));
  EXPECT_EQ(f.evidence, Evidence::guessed);
  EXPECT_EQ(f.measured, "ACCESS EXCLUSIVE on public.users; 2.0 ms");
}

TEST(EvidenceTest, FindingsAreMatchedByRevisionLineAndColumn) {
  auto first = ran(7, {});
  auto second = ran(7, {}, {"public.b"});
  second.column = 30;
  auto r = revision({first, second});
  std::vector<Finding> findings{finding("change-column-type", 7, "r2", 30),
                                finding("change-column-type", 7, "r2", 1),
                                finding("require-concurrent-index", 8),          // no statement there
                                finding("require-concurrent-index", 7, "r9"),    // not rehearsed
                                finding("irreversible", 0)};                     // the whole file
  apply_evidence(findings, {r});
  EXPECT_EQ(findings[0].evidence, Evidence::confirmed);
  EXPECT_EQ(findings[1].evidence, Evidence::cleared);
  for (std::size_t i = 2; i < findings.size(); ++i) {
    EXPECT_EQ(findings[i].evidence, Evidence::guessed) << i;
    EXPECT_EQ(findings[i].measured, "") << i;
  }
}

TEST(EvidenceTest, SummaryListsLocksRewritesAndDuration) {
  EXPECT_EQ(summary(ran(1, {{"public.users", LockMode::access_exclusive}}, {"public.users"}, 41.4)),
            "ACCESS EXCLUSIVE on public.users; rewrote public.users; 41 ms");
  EXPECT_EQ(summary(ran(1, {}, {}, 0.04)), "0.0 ms");
}

}  // namespace
}  // namespace migrate::lint
