// Fleets: a [targets.NAME] section's targets, and the scheduler that runs work on them.
#include "api/fleet.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "backend/backend.hpp"
#include "backend/sql_dialect.hpp"
#include "core/error.hpp"
#include "util/strings.hpp"
#include "util/thread_label.hpp"

namespace migrate::api {

namespace {

const config::TargetSet& target_set(const config::Config& config, const std::string& name) {
  auto it = config.targets.find(name);
  if (it != config.targets.end()) return it->second;
  std::vector<std::string> known;
  for (const auto& [key, set] : config.targets) known.push_back(key);
  throw Error(ErrorKind::config, "no [targets." + name + "] section in " + config.file.string(),
              known.empty() ? "add one: `[targets." + name + "]` with `urls = [...]` or `schemas_query = \"...\"`"
                            : "known target sets: " + util::join(known, ", "));
}

/// Each row's first column, which must be a non-empty text (`noun`: what it names).
std::vector<std::string> first_column(backend::Backend& db, const std::string& query, const std::string& what,
                                      const std::string& noun) {
  std::vector<std::string> values;
  for (auto& row : db.query(query)) {
    if (row.empty() || !row[0] || row[0]->empty())
      throw Error(ErrorKind::config, what + " returned a row whose first column is NULL or empty (row " +
                                         std::to_string(values.size() + 1) + ")",
                  "make the query return one " + noun + " per row, e.g. with WHERE ... IS NOT NULL");
    values.push_back(std::move(*row[0]));
  }
  return values;
}

std::vector<FleetTarget> schema_targets(const config::Config& config, const config::TargetSet& set) {
  const auto& url = set.control_url.empty() ? config.database_url : set.control_url;
  if (url.empty())
    throw Error(ErrorKind::config, "[targets." + set.name + "] (" + set.where + ") has a schemas_query but no database to run it on",
                "set [database].url (or --url), or `control_url` in the section");
  if (backend::dialect_of_url(url) != Dialect::postgresql)
    throw Error(ErrorKind::config, "[targets." + set.name + "]: schema-per-tenant targets need a PostgreSQL database",
                "SQLite has no schemas; list the SQLite files with `urls = [...]` instead");
  auto db = backend::open(url, backend::OpenMode::existing_only);
  std::vector<FleetTarget> targets;
  for (auto& schema : first_column(*db, set.schemas_query, "[targets." + set.name + "] schemas_query", "schema name"))
    targets.push_back({schema, url.value(), schema});
  return targets;
}

std::vector<FleetTarget> url_targets(const std::vector<std::string>& urls) {
  std::vector<FleetTarget> targets;
  for (const auto& url : urls) targets.push_back({backend::redact_url(url), url, ""});
  return targets;
}

void refuse_repeats(const std::vector<FleetTarget>& targets, const config::TargetSet& set) {
  std::unordered_set<std::string> seen;
  for (const auto& t : targets)
    if (!seen.insert(t.url + '\x1f' + t.schema).second)
      throw Error(ErrorKind::config, "[targets." + set.name + "] lists target " + t.name + " twice",
                  "each target is run once per command: remove the repeat (from the list or the query's rows)");
}

}  // namespace

std::vector<FleetTarget> resolve_targets(const config::Config& config, const std::string& name) {
  const auto& set = target_set(config, name);
  std::vector<FleetTarget> targets;
  if (!set.schemas_query.empty()) {
    targets = schema_targets(config, set);
  } else if (!set.query.empty()) {
    auto db = backend::open(set.control_url, backend::OpenMode::existing_only);
    targets = url_targets(first_column(*db, set.query, "[targets." + set.name + "] query", "URL"));
  } else {
    std::vector<std::string> urls;
    for (const auto& url : set.urls) urls.push_back(url.value());
    targets = url_targets(urls);
  }
  refuse_repeats(targets, set);
  return targets;
}

config::Config target_config(const config::Config& base, const config::TargetSet& set, const FleetTarget& target) {
  config::Config c = base;
  c.database_url = config::DatabaseUrl(target.url);
  c.database_url_source = "[targets." + set.name + "] in " + set.where;
  if (set.version_table_schema) c.version_table_schema = util::replace_all(*set.version_table_schema, "{schema}", target.schema);
  c.tenant_schema = target.schema;
  if (!target.schema.empty() && c.schemas.empty()) c.schemas = {target.schema};
  c.dump_after_upgrade.clear();
  return c;
}

std::string reset_session_sql() {
  // RESET ALL leaves the role (SET ROLE is exempt from it) and temporary tables as they were:
  // the tenant before would otherwise lend its role and temporary tables to the next one.
  return "SET SESSION AUTHORIZATION DEFAULT; RESET ALL; DISCARD TEMP";
}

std::string enter_tenant_sql(Dialect dialect, const std::string& tenant_schema) {
  return reset_session_sql() + "; SET search_path TO " + backend::sql::quote_ident(dialect, tenant_schema) + ", public";
}

namespace {

void check_options(const FleetOptions& options) {
  if (options.canary < 0) throw Error(ErrorKind::usage, "--canary must be 0 or more");
  if (options.concurrency < 1) throw Error(ErrorKind::usage, "--concurrency must be 1 or more");
  if (options.max_failures < 1)
    throw Error(ErrorKind::usage, "--max-failures must be 1 or more", "1 stops starting targets after the first failure");
}

long long elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count();
}

/// The coordinator: starts targets on free slots while the rules allow, collects the
/// finished ones, watches the stop token.
class Scheduler {
 public:
  Scheduler(const std::vector<FleetTarget>& targets, const FleetOptions& options, const TargetWork& work)
      : m_targets(targets), m_options(options), m_work(work), m_threads(std::size_t(options.concurrency)) {
    for (std::size_t slot = m_threads.size(); slot-- > 0;) m_free.push_back(slot);
    m_result.targets.resize(targets.size());
    for (std::size_t i = 0; i < targets.size(); ++i) m_result.targets[i].target = targets[i].name;
  }

  ~Scheduler() {
    for (auto& t : m_threads)
      if (t.joinable()) t.join();
  }

  FleetResult run(runtime::StopToken& stop, const std::function<void(int)>& forward_stop, FleetObserver* observer) {
    const auto started = std::chrono::steady_clock::now();
    std::unique_lock lock(m_mutex);
    for (;;) {
      collect(lock, observer);
      if (!m_stopping && stop.requested()) {
        m_stopping = true;
        m_result.stopped_by = stop.requested();
        lock.unlock();
        forward_stop(stop.requested());
        lock.lock();
      }
      while (may_start()) start_next();
      if (m_running == 0 && (m_next == m_targets.size() || !starting_allowed())) break;
      m_finished_cv.wait_for(lock, std::chrono::milliseconds(50));
    }
    m_result.duration_ms = elapsed_ms(started);
    return std::move(m_result);
  }

 private:
  struct Finished {
    std::size_t index;
    std::size_t slot;
    TargetResult result;
  };

  bool starting_allowed() const { return !m_stopping && m_failures < m_options.max_failures; }

  /// Canaries run alone, and the first target after them waits for the last of them.
  bool may_start() const {
    if (!starting_allowed() || m_next == m_targets.size() || m_free.empty()) return false;
    if (m_next <= std::size_t(m_options.canary) && m_running > 0) return false;
    return true;
  }

  void start_next() {
    const std::size_t index = m_next++;
    const std::size_t slot = m_free.back();
    m_free.pop_back();
    ++m_running;
    if (m_threads[slot].joinable()) m_threads[slot].join();  // it finished: its result is in
    m_threads[slot] = std::thread([this, index, slot] { run_one(index, slot); });
  }

  void run_one(std::size_t index, std::size_t slot) {
    const auto started = std::chrono::steady_clock::now();
    util::ThreadLabel label(m_targets[index].name);
    TargetResult result;
    try {
      result = m_work(m_targets[index], slot);
    } catch (const Error& e) {
      result.status = TargetStatus::failed;
      result.error = e;
    } catch (const std::exception& e) {
      result.status = TargetStatus::failed;
      result.error = Error(ErrorKind::internal, e.what());
    }
    result.target = m_targets[index].name;
    if (result.duration_ms == 0) result.duration_ms = elapsed_ms(started);
    std::lock_guard guard(m_mutex);
    m_finished.push_back({index, slot, std::move(result)});
    m_finished_cv.notify_one();
  }

  void collect(std::unique_lock<std::mutex>& lock, FleetObserver* observer) {
    while (!m_finished.empty()) {
      auto done = std::move(m_finished.front());
      m_finished.pop_front();
      --m_running;
      m_free.push_back(done.slot);
      if (done.result.status == TargetStatus::failed) ++m_failures;
      m_result.targets[done.index] = std::move(done.result);
      ++m_done;
      if (!observer) continue;
      lock.unlock();  // the observer may print; the workers need not wait for it
      observer->target_finished(m_result.targets[done.index], m_done, m_targets.size());
      lock.lock();
    }
  }

  const std::vector<FleetTarget>& m_targets;
  const FleetOptions& m_options;
  const TargetWork& m_work;
  std::vector<std::thread> m_threads;  ///< one per slot
  std::vector<std::size_t> m_free;     ///< slots with no target running
  std::mutex m_mutex;                  ///< guards m_finished (the only state workers touch)
  std::condition_variable m_finished_cv;
  std::deque<Finished> m_finished;
  FleetResult m_result;
  std::size_t m_next = 0;
  std::size_t m_running = 0;
  std::size_t m_done = 0;
  int m_failures = 0;
  bool m_stopping = false;
};

}  // namespace

FleetResult schedule_fleet(const std::vector<FleetTarget>& targets, const FleetOptions& options, const TargetWork& work,
                           runtime::StopToken& stop, const std::function<void(int)>& forward_stop,
                           FleetObserver* observer) {
  check_options(options);
  runtime::StopToken::Armed armed(stop);
  Scheduler scheduler(targets, options, work);
  return scheduler.run(stop, forward_stop, observer);
}

}  // namespace migrate::api
