#include "lint/evidence.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "util/strings.hpp"

namespace migrate::lint {
namespace {

struct ModeName {
  LockMode mode;
  std::string_view pg;     ///< pg_locks
  const char* text;        ///< the documentation's
};
constexpr std::array<ModeName, 8> k_modes = {{
    {LockMode::access_share, "AccessShareLock", "ACCESS SHARE"},
    {LockMode::row_share, "RowShareLock", "ROW SHARE"},
    {LockMode::row_exclusive, "RowExclusiveLock", "ROW EXCLUSIVE"},
    {LockMode::share_update_exclusive, "ShareUpdateExclusiveLock", "SHARE UPDATE EXCLUSIVE"},
    {LockMode::share, "ShareLock", "SHARE"},
    {LockMode::share_row_exclusive, "ShareRowExclusiveLock", "SHARE ROW EXCLUSIVE"},
    {LockMode::exclusive, "ExclusiveLock", "EXCLUSIVE"},
    {LockMode::access_exclusive, "AccessExclusiveLock", "ACCESS EXCLUSIVE"},
}};

/// What a rule says its statement will do, in terms a rehearsal can check.
struct Prediction {
  enum class Kind { lock, rewrite, fails_in_transaction } kind = Kind::lock;
  LockMode at_least = LockMode::access_exclusive;  ///< lock: the weakest mode that bears the rule out
};

std::optional<Prediction> prediction_of(std::string_view rule) {
  using Kind = Prediction::Kind;
  static const std::map<std::string_view, Prediction> k_predictions = {
      {"require-concurrent-index", {Kind::lock, LockMode::share}},
      {"unique-without-index", {Kind::lock, LockMode::share}},
      {"foreign-key-not-valid", {Kind::lock, LockMode::share_row_exclusive}},
      {"check-not-valid", {Kind::lock, LockMode::access_exclusive}},
      {"set-not-null", {Kind::lock, LockMode::access_exclusive}},
      {"missing-lock-timeout", {Kind::lock, LockMode::access_exclusive}},
      {"rename-column", {Kind::lock, LockMode::access_exclusive}},
      {"rename-table", {Kind::lock, LockMode::access_exclusive}},
      {"drop-column", {Kind::lock, LockMode::access_exclusive}},
      {"drop-table", {Kind::lock, LockMode::access_exclusive}},
      {"change-column-type", {Kind::rewrite, {}}},
      {"add-column-volatile-default", {Kind::rewrite, {}}},
      {"concurrent-index-in-transaction", {Kind::fails_in_transaction, {}}},
      {"non-transactional-statement-in-transaction", {Kind::fails_in_transaction, {}}},
  };
  auto it = k_predictions.find(rule);
  if (it == k_predictions.end()) return std::nullopt;
  return it->second;
}

/// SQLSTATE 25001 active_sql_transaction: "... cannot run inside a transaction block".
constexpr std::string_view k_active_sql_transaction = "25001";

std::string milliseconds(double ms) { return ms < 10 ? fmt::format("{:.1f} ms", ms) : fmt::format("{:.0f} ms", ms); }

std::string describe(const std::vector<MeasuredLock>& locks) {
  std::vector<std::string> parts;
  for (const auto& lock : locks) parts.push_back(std::string(to_string(lock.mode)) + " on " + lock.relation);
  return util::join(parts, ", ");
}

std::vector<MeasuredLock> at_least(const std::vector<MeasuredLock>& locks, LockMode mode) {
  std::vector<MeasuredLock> out;
  std::copy_if(locks.begin(), locks.end(), std::back_inserter(out),
               [mode](const MeasuredLock& lock) { return lock.mode >= mode; });
  return out;
}

/// The locks a statement found already held: what the earlier statements of the same
/// transaction took (none when each statement ran on its own).
std::vector<MeasuredLock> held_before(const RevisionRehearsal& revision, const RehearsedStatement& statement) {
  std::vector<MeasuredLock> out;
  if (!revision.transactional) return out;
  for (const auto& earlier : revision.statements) {
    if (&earlier == &statement) break;
    out.insert(out.end(), earlier.locks.begin(), earlier.locks.end());
  }
  return out;
}

using Evidence = Finding::Evidence;

void judge_lock(Finding& finding, LockMode mode, const RevisionRehearsal& revision,
                const RehearsedStatement& statement) {
  const auto duration = milliseconds(statement.duration_ms);
  if (!statement.locks_observed) {
    finding.measured = "locks not observable outside a transaction; " + duration;
    return;
  }
  if (auto taken = at_least(statement.locks, mode); !taken.empty()) {
    finding.evidence = Evidence::confirmed;
    finding.measured = describe(taken) + "; " + duration;
    return;
  }
  if (auto held = at_least(held_before(revision, statement), mode); !held.empty()) {
    finding.measured = "no new lock: the transaction already held " + describe(held) + "; " + duration;
    return;
  }
  finding.evidence = Evidence::cleared;
  finding.measured = fmt::format("no {} or stronger lock on an existing relation ({}); {}", to_string(mode),
                                 statement.locks.empty() ? "none taken" : describe(statement.locks), duration);
}

void judge_rewrite(Finding& finding, const RehearsedStatement& statement) {
  const auto duration = milliseconds(statement.duration_ms);
  if (statement.rewritten.empty()) {
    finding.evidence = Evidence::cleared;
    finding.measured = "no table rewritten; " + duration;
    return;
  }
  finding.evidence = Evidence::confirmed;
  finding.measured = "rewrote " + util::join(statement.rewritten, ", ") + "; " + duration;
}

void judge(Finding& finding, const RevisionRehearsal& revision, const RehearsedStatement& statement) {
  const auto prediction = prediction_of(finding.rule);
  finding.measured = summary(statement);
  if (!statement.ran) return;
  if (!statement.error.empty()) {
    if (prediction && prediction->kind == Prediction::Kind::fails_in_transaction &&
        statement.sqlstate == k_active_sql_transaction)
      finding.evidence = Evidence::confirmed;
    return;
  }
  if (!prediction) return;
  switch (prediction->kind) {
    case Prediction::Kind::lock: return judge_lock(finding, prediction->at_least, revision, statement);
    case Prediction::Kind::rewrite: return judge_rewrite(finding, statement);
    case Prediction::Kind::fails_in_transaction:
      if (statement.locks_observed) {  // it ran inside a transaction block, and did not fail
        finding.evidence = Evidence::cleared;
        finding.measured = "ran inside a transaction; " + milliseconds(statement.duration_ms);
      }
      return;
  }
}

/// The statement of `revision` a finding at `line`:`column` is about: the one starting on
/// that line (at that column, when several do); nullptr when none does.
const RehearsedStatement* statement_at(const RevisionRehearsal& revision, int line, int column) {
  const RehearsedStatement* first = nullptr;
  for (const auto& statement : revision.statements) {
    if (statement.line != line) continue;
    if (statement.column == column) return &statement;
    if (!first) first = &statement;
  }
  return first;
}

}  // namespace

std::optional<LockMode> lock_mode_from_pg(std::string_view name) {
  for (const auto& m : k_modes)
    if (m.pg == name) return m.mode;
  return std::nullopt;
}

const char* to_string(LockMode mode) {
  for (const auto& m : k_modes)
    if (m.mode == mode) return m.text;
  return "ACCESS EXCLUSIVE";
}

std::string summary(const RehearsedStatement& statement) {
  if (!statement.ran) return "not run: " + statement.error;
  if (!statement.error.empty())
    return "failed after " + milliseconds(statement.duration_ms) + ": " + statement.error;
  std::vector<std::string> parts;
  if (!statement.locks_observed) parts.emplace_back("locks not observable outside a transaction");
  else if (!statement.locks.empty()) parts.push_back(describe(statement.locks));
  if (!statement.rewritten.empty()) parts.push_back("rewrote " + util::join(statement.rewritten, ", "));
  parts.push_back(milliseconds(statement.duration_ms));
  return util::join(parts, "; ");
}

void apply_evidence(std::vector<Finding>& findings, const std::vector<RevisionRehearsal>& rehearsals) {
  std::map<std::string_view, const RevisionRehearsal*> by_revision;
  for (const auto& r : rehearsals) by_revision.emplace(r.revision, &r);
  for (auto& finding : findings) {
    auto revision = by_revision.find(finding.revision);
    if (finding.line <= 0 || revision == by_revision.end()) continue;
    if (const auto* statement = statement_at(*revision->second, finding.line, finding.column))
      judge(finding, *revision->second, *statement);
  }
}

}  // namespace migrate::lint
