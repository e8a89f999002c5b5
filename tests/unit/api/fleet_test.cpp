// The fleet scheduler with work that records what it saw: canaries alone and first, the
// concurrency bound, the failure budget, a stop request, exceptions from the work.
#include "api/fleet.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

namespace migrate::api {
namespace {

using namespace std::chrono_literals;

std::vector<FleetTarget> targets(int n) {
  std::vector<FleetTarget> out;
  for (int i = 0; i < n; ++i) out.push_back({"t" + std::to_string(i), "sqlite:///t" + std::to_string(i), ""});
  return out;
}

/// Work that takes a few milliseconds (fails at once for the targets named in `failing`) and records
/// how many ran at once and in which order they started.
class RecordingWork {
 public:
  explicit RecordingWork(std::set<std::string> failing = {}) : m_failing(std::move(failing)) {}

  TargetResult operator()(const FleetTarget& target, std::size_t slot) {
    {
      std::lock_guard guard(m_mutex);
      m_started.push_back(target.name);
      m_slots.insert(slot);
      m_peak = std::max(m_peak, ++m_running);
      m_running_when_started.push_back(m_running);
    }
    // A failing target fails at once; the others take a while (or wait for the gate).
    const bool fails = m_failing.count(target.name) != 0;
    if (!fails) std::this_thread::sleep_for(3ms);
    for (auto waited = 0ms; !fails && m_gate && !m_gate->load() && waited < 10s; waited += 1ms)
      std::this_thread::sleep_for(1ms);
    {
      std::lock_guard guard(m_mutex);
      --m_running;
    }
    if (fails) throw Error(ErrorKind::database, "boom on " + target.name);
    TargetResult r;
    r.status = TargetStatus::applied;
    return r;
  }

  /// The targets that do not fail finish only once `gate` is true.
  void hold_until(const std::atomic<bool>* gate) { m_gate = gate; }
  std::vector<std::string> started() const { return m_started; }
  std::vector<int> running_when_started() const { return m_running_when_started; }
  int peak() const { return m_peak; }
  std::set<std::size_t> slots() const { return m_slots; }

 private:
  std::set<std::string> m_failing;
  const std::atomic<bool>* m_gate = nullptr;
  std::mutex m_mutex;
  std::vector<std::string> m_started;
  std::vector<int> m_running_when_started;
  std::set<std::size_t> m_slots;
  int m_running = 0;
  int m_peak = 0;
};

FleetResult run(const std::vector<FleetTarget>& ts, const FleetOptions& options, RecordingWork& work,
                runtime::StopToken& stop, const std::function<void(int)>& forward = [](int) {}) {
  TargetWork fn = [&work](const FleetTarget& t, std::size_t slot) { return work(t, slot); };
  return schedule_fleet(ts, options, fn, stop, forward, nullptr);
}

std::size_t count(const FleetResult& r, TargetStatus status) {
  std::size_t n = 0;
  for (const auto& t : r.targets) n += t.status == status;
  return n;
}

TEST(FleetSchedulerTest, EveryTargetRunsOnceWithinTheConcurrencyBoundAndKeepsItsOrder) {
  RecordingWork work;
  runtime::StopToken stop;
  FleetOptions options;
  options.concurrency = 3;
  auto result = run(targets(40), options, work, stop);
  ASSERT_EQ(result.targets.size(), 40u);
  for (std::size_t i = 0; i < 40; ++i) {
    EXPECT_EQ(result.targets[i].target, "t" + std::to_string(i));
    EXPECT_EQ(result.targets[i].status, TargetStatus::applied);
  }
  EXPECT_EQ(work.started().size(), 40u);
  EXPECT_LE(work.peak(), 3);
  EXPECT_GE(work.peak(), 2) << "targets should overlap";
  EXPECT_EQ(work.slots(), (std::set<std::size_t>{0, 1, 2}));
}

TEST(FleetSchedulerTest, CanariesRunAloneBeforeAnyOtherTarget) {
  RecordingWork work;
  runtime::StopToken stop;
  FleetOptions options;
  options.canary = 3;
  options.concurrency = 4;
  run(targets(20), options, work, stop);
  auto started = work.started();
  auto running = work.running_when_started();
  ASSERT_EQ(started.size(), 20u);
  // Each canary started with nothing else running, so the next one only after it finished.
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(started[i], "t" + std::to_string(i));
    EXPECT_EQ(running[i], 1) << "canary " << i << " started while another target ran";
  }
  // The first target after them also started alone: the last canary had finished.
  EXPECT_EQ(running[3], 1);
  EXPECT_GT(work.peak(), 1);
}

TEST(FleetSchedulerTest, NoTargetStartsOnceTheFailureBudgetIsSpent) {
  RecordingWork work({"t2", "t5", "t30"});
  runtime::StopToken stop;
  FleetOptions options;
  options.concurrency = 1;
  options.max_failures = 2;
  auto result = run(targets(40), options, work, stop);
  EXPECT_EQ(result.targets[2].status, TargetStatus::failed);
  ASSERT_TRUE(result.targets[2].error);
  EXPECT_EQ(result.targets[2].error->kind(), ErrorKind::database);
  EXPECT_EQ(result.targets[5].status, TargetStatus::failed);
  EXPECT_EQ(count(result, TargetStatus::applied), 4u);
  EXPECT_EQ(count(result, TargetStatus::not_started), 34u);
  EXPECT_EQ(work.started().size(), 6u);
}

/// Notes when the scheduler has collected a failed target (it counts a failure before it
/// tells the observer).
class FailureSeen : public FleetObserver {
 public:
  void target_finished(const TargetResult& result, std::size_t, std::size_t) override {
    if (result.status == TargetStatus::failed) seen = true;
  }
  std::atomic<bool> seen{false};
};

TEST(FleetSchedulerTest, RunningTargetsFinishAfterTheBudgetIsSpent) {
  RecordingWork work({"t0"});
  FailureSeen failure;
  work.hold_until(&failure.seen);
  runtime::StopToken stop;
  FleetOptions options;
  options.concurrency = 4;
  TargetWork fn = [&work](const FleetTarget& t, std::size_t slot) { return work(t, slot); };
  auto result = schedule_fleet(targets(40), options, fn, stop, [](int) {}, &failure);
  EXPECT_EQ(count(result, TargetStatus::failed), 1u);
  // The three started beside t0 finished; nothing started once its failure was collected,
  // which happens before any of theirs (they wait for it).
  EXPECT_EQ(work.started().size(), 4u);
  EXPECT_EQ(count(result, TargetStatus::applied), 3u);
  EXPECT_EQ(count(result, TargetStatus::applied) + 1 + count(result, TargetStatus::not_started), 40u);
}

TEST(FleetSchedulerTest, AStopRequestStartsNothingNewAndReachesTheRunningTargets) {
  runtime::StopToken stop;
  std::atomic<int> forwarded{0};
  std::atomic<int> started{0};
  TargetWork work = [&](const FleetTarget&, std::size_t) {
    if (++started == 3) stop.request_stop(15);  // the token is armed by the scheduler
    std::this_thread::sleep_for(5ms);
    TargetResult r;
    r.status = TargetStatus::applied;
    return r;
  };
  FleetOptions options;
  options.concurrency = 1;
  auto result = schedule_fleet(targets(30), options, work, stop, [&](int signal) { forwarded = signal; }, nullptr);
  EXPECT_EQ(forwarded.load(), 15);
  EXPECT_EQ(count(result, TargetStatus::applied), 3u);
  EXPECT_EQ(count(result, TargetStatus::not_started), 27u);
}

TEST(FleetSchedulerTest, AnExceptionFromTheWorkIsThatTargetsFailure) {
  runtime::StopToken stop;
  TargetWork work = [](const FleetTarget& t, std::size_t) -> TargetResult {
    if (t.name == "t1") throw std::runtime_error("unexpected");
    TargetResult r;
    r.status = TargetStatus::up_to_date;
    return r;
  };
  FleetOptions options;
  options.max_failures = 5;
  auto result = schedule_fleet(targets(3), options, work, stop, [](int) {}, nullptr);
  ASSERT_TRUE(result.targets[1].error);
  EXPECT_EQ(result.targets[1].error->kind(), ErrorKind::internal);
  EXPECT_EQ(result.targets[2].status, TargetStatus::up_to_date);
}

TEST(FleetSchedulerTest, BadOptionsAreUsageErrors) {
  runtime::StopToken stop;
  RecordingWork work;
  for (auto change : {+[](FleetOptions& o) { o.concurrency = 0; }, +[](FleetOptions& o) { o.canary = -1; },
                      +[](FleetOptions& o) { o.max_failures = 0; }}) {
    FleetOptions options;
    change(options);
    try {
      run(targets(2), options, work, stop);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage);
    }
  }
  EXPECT_TRUE(work.started().empty());
}

TEST(FleetSchedulerTest, NoTargetsIsAnEmptyResult) {
  runtime::StopToken stop;
  RecordingWork work;
  auto result = run({}, FleetOptions{}, work, stop);
  EXPECT_TRUE(result.targets.empty());
}

}  // namespace
}  // namespace migrate::api
