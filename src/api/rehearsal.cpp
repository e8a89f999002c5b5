#include "api/rehearsal.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "api/replay.hpp"
#include "runtime/session_timeouts.hpp"
#include "runtime/transaction.hpp"
#include "sql/statements.hpp"

namespace migrate::api {
namespace {

/// SQLSTATE 25001 active_sql_transaction: the statement cannot run inside a transaction
/// block, refused before it does anything.
constexpr const char* k_active_sql_transaction = "25001";

/// A revision's PostgreSQL upgrade as statements, none run yet.
std::vector<lint::RehearsedStatement> upgrade_statements(const script::RevisionFile& file) {
  std::vector<lint::RehearsedStatement> out;
  const auto* section = file.upgrade_for(Dialect::postgresql);
  if (!section) return out;
  for (const auto& span : sql::statement_spans(section->sql, Dialect::postgresql, section->first_line)) {
    lint::RehearsedStatement statement;
    statement.line = span.line;
    statement.column = span.column;
    statement.text = section->sql.substr(span.begin, span.end - span.begin);
    out.push_back(std::move(statement));
  }
  return out;
}

/// The probe's measurement in the report's terms: the strongest mode per relation.
void record(lint::RehearsedStatement& out, const backend::StatementMeasurement& measured) {
  out.locks_observed = measured.locks_observed;
  out.rewritten = measured.rewritten;
  out.duration_ms = measured.duration_ms;
  for (const auto& lock : measured.locks) {
    auto mode = lint::lock_mode_from_pg(lock.mode);
    if (!mode) continue;  // not a table-level mode: relation locks never have another
    auto same = std::find_if(out.locks.begin(), out.locks.end(),
                             [&](const lint::MeasuredLock& l) { return l.relation == lock.relation; });
    if (same == out.locks.end()) out.locks.push_back({lock.relation, *mode});
    else same->mode = std::max(same->mode, *mode);
  }
}

/// Every statement from `first` on is listed as not run, for `why`.
void not_run_from(std::vector<lint::RehearsedStatement>& statements, std::size_t first, const std::string& why) {
  for (std::size_t k = first; k < statements.size(); ++k) {
    statements[k].ran = false;
    statements[k].error = why;
  }
}

/// Rehearses revisions one after another on one scratch database, keeping track of what is
/// applied there so that each starts from exactly its parents.
class Rehearsal {
 public:
  Rehearsal(const Project& project, backend::Backend& scratch, runtime::StopToken& stop)
      : m_project(project), m_db(scratch), m_stop(stop), m_replay(project, scratch, stop) {}

  lint::RevisionRehearsal revision(const std::string& id);

 private:
  std::set<std::string> ancestry(const std::vector<std::string>& heads) const;
  bool bring_to_parents(const graph::Revision& revision, lint::RevisionRehearsal& out);
  void run_in_one_transaction(lint::RevisionRehearsal& out);
  void run_one_by_one(lint::RevisionRehearsal& out);
  /// Runs one statement through the probe; a failure is recorded, not thrown (but a stop
  /// request is).
  bool measure(lint::RehearsedStatement& statement);
  void stop_if_requested(const std::string& revision);

  const Project& m_project;
  backend::Backend& m_db;
  runtime::StopToken& m_stop;
  Replay m_replay;
  std::set<std::string> m_applied;  ///< the revisions the scratch database holds
  bool m_dirty = false;  ///< it holds changes no version-table row accounts for: empty it first
};

std::set<std::string> Rehearsal::ancestry(const std::vector<std::string>& heads) const {
  std::set<std::string> out;
  std::vector<std::string> todo = heads;
  while (!todo.empty()) {
    auto id = std::move(todo.back());
    todo.pop_back();
    if (!out.insert(id).second) continue;
    const auto parents = m_project.map().effective_parents(m_project.map().get(id));
    todo.insert(todo.end(), parents.begin(), parents.end());
  }
  return out;
}

bool Rehearsal::bring_to_parents(const graph::Revision& revision, lint::RevisionRehearsal& out) {
  const auto parents = m_project.map().effective_parents(revision);
  auto wanted = ancestry(parents);
  if (m_dirty || !std::includes(wanted.begin(), wanted.end(), m_applied.begin(), m_applied.end())) {
    spdlog::debug("emptying the scratch database to replay the parents of {}", revision.id);
    m_db.scratch()->drop_all_objects();
    m_applied.clear();
    m_dirty = false;
  }
  try {
    m_replay.upgrade_to(parents);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::database && e.kind() != ErrorKind::lock_timeout) throw;
    m_dirty = true;
    out.error = std::string("the scratch database could not be brought to the revision's parents: ") + e.what();
    return false;
  }
  m_applied = std::move(wanted);
  return true;
}

void Rehearsal::stop_if_requested(const std::string& revision) {
  if (int sig = m_stop.requested())
    throw Error::interrupted(sig, "interrupted by " + runtime::signal_name(sig) + " while rehearsing revision " +
                                      revision,
                             "the scratch database was emptied or dropped; nothing else was changed");
}

bool Rehearsal::measure(lint::RehearsedStatement& statement) {
  statement.ran = true;
  const auto start = std::chrono::steady_clock::now();
  try {
    record(statement, m_db.statement_probe()->probe(statement.text));
    return true;
  } catch (const backend::DatabaseError& e) {
    if (m_stop.requested()) return false;  // the caller throws interrupted
    statement.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    statement.error = e.details().server_message.empty() ? e.what() : e.details().server_message;
    statement.sqlstate = e.details().sqlstate;
    return false;
  }
}

void Rehearsal::run_in_one_transaction(lint::RevisionRehearsal& out) {
  runtime::Transaction transaction(m_db);
  auto& statements = out.statements;
  for (std::size_t k = 0; k < statements.size(); ++k) {
    stop_if_requested(out.revision);
    bool ok = measure(statements[k]);
    stop_if_requested(out.revision);
    if (ok && !m_db.in_transaction()) {
      // Its own COMMIT or ROLLBACK: the runner stops there, and what ran may be committed.
      m_dirty = true;
      statements[k].error = "ended the transaction the revision runs in (a COMMIT or ROLLBACK)";
      ok = false;
    }
    if (!ok) return not_run_from(statements, k + 1, "an earlier statement of the revision failed");
  }
}

void Rehearsal::run_one_by_one(lint::RevisionRehearsal& out) {
  m_dirty = true;  // each statement commits: the version table does not say so
  auto& statements = out.statements;
  for (std::size_t k = 0; k < statements.size(); ++k) {
    stop_if_requested(out.revision);
    bool ok = false;
    {
      runtime::Transaction transaction(m_db);
      ok = measure(statements[k]);
      if (ok && transaction.open()) transaction.commit();
    }
    if (!ok && statements[k].sqlstate == k_active_sql_transaction) {
      statements[k] = lint::RehearsedStatement{statements[k].line, statements[k].column, statements[k].text};
      ok = measure(statements[k]);  // alone, as the runner runs it
    }
    stop_if_requested(out.revision);
    if (!ok) return not_run_from(statements, k + 1, "an earlier statement of the revision failed");
  }
}

lint::RevisionRehearsal Rehearsal::revision(const std::string& id) {
  const auto& node = m_project.map().get(id);
  const auto& file = m_project.file_of(id);
  const auto& config = m_project.config();
  lint::RevisionRehearsal out;
  out.revision = id;
  out.file = file.path.string();
  out.transactional = file.transactional;
  out.lock_timeout = file.lock_timeout.value_or(config.lock_timeout.value_or(k_rehearsal_lock_timeout));
  out.statements = upgrade_statements(file);
  if (out.statements.empty()) return out;
  if (!bring_to_parents(node, out)) {
    not_run_from(out.statements, 0, out.error);
    return out;
  }
  stop_if_requested(id);
  runtime::SessionTimeouts timeouts(m_db, config.lock_timeout.value_or(k_rehearsal_lock_timeout),
                                    config.statement_timeout);
  timeouts.apply_for(&file);
  runtime::StopToken::CancelWindow cancel(m_stop, m_db);
  if (file.transactional) run_in_one_transaction(out);
  else run_one_by_one(out);
  return out;
}

}  // namespace

void require_rehearsal_dialect(Dialect dialect, const std::string& database) {
  if (dialect != Dialect::postgresql)
    throw Error(ErrorKind::usage, "lint --rehearse needs PostgreSQL: " + database + " is not",
                "point --url (or [database] url) at a PostgreSQL server the role may create a database on, "
                "or name one that may be emptied with --scratch-url; `migrate lint` without --rehearse needs none");
}

std::vector<lint::RevisionRehearsal> rehearse(const Project& project, backend::Backend& target,
                                              const std::vector<std::string>& revisions,
                                              const std::string& scratch_url, runtime::StopToken& stop) {
  require_rehearsal_dialect(target.dialect(), target.describe());
  runtime::StopToken::Armed armed(stop);
  auto scratch = open_scratch(project.config(), target, scratch_url);
  if (!scratch->db().statement_probe() || !scratch->db().scratch())
    throw Error(ErrorKind::usage, "lint --rehearse cannot measure statements on " + scratch->description(),
                "name a PostgreSQL scratch database with --scratch-url, or leave it out for a temporary one");
  spdlog::debug("rehearsing {} revision(s) on {}", revisions.size(), scratch->description());
  Rehearsal rehearsal(project, scratch->db(), stop);
  std::vector<lint::RevisionRehearsal> out;
  out.reserve(revisions.size());
  for (const auto& id : revisions) out.push_back(rehearsal.revision(id));
  return out;
}

}  // namespace migrate::api
