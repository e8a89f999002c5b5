#include "api/convert.hpp"

#include <algorithm>

#include "runtime/version_table.hpp"

namespace migrate {

const char* to_string(Command command) noexcept {
  switch (command) {
    case Command::upgrade: return "upgrade";
    case Command::downgrade: return "downgrade";
    case Command::stamp: return "stamp";
  }
  return "";
}

const char* to_string(Direction direction) noexcept {
  switch (direction) {
    case Direction::upgrade: return "upgrade";
    case Direction::downgrade: return "downgrade";
    case Direction::stamp: return "stamp";
  }
  return "";
}

const char* to_string(RepairAction action) noexcept {
  switch (action) {
    case RepairAction::resume: return "resume";
    case RepairAction::mark_applied: return "mark-applied";
    case RepairAction::mark_reverted: return "mark-reverted";
    case RepairAction::accept_checksum: return "accept-checksum";
  }
  return "";
}

const char* to_string(RevisionState state) noexcept {
  switch (state) {
    case RevisionState::applied: return "applied";
    case RevisionState::pending: return "pending";
    case RevisionState::partial: return "partial";
    case RevisionState::stamped: return "stamped";
    case RevisionState::file_gone: return "file gone";
  }
  return "";
}

const char* to_string(TargetStatus status) noexcept {
  switch (status) {
    case TargetStatus::applied: return "applied";
    case TargetStatus::up_to_date: return "up_to_date";
    case TargetStatus::behind: return "behind";
    case TargetStatus::failed: return "failed";
    case TargetStatus::not_started: return "not_started";
    case TargetStatus::clean: return "clean";
    case TargetStatus::drifted: return "drifted";
    case TargetStatus::problems: return "problems";
  }
  return "";
}

std::size_t Status::count(RevisionState state) const {
  return static_cast<std::size_t>(
      std::count_if(revisions.begin(), revisions.end(), [state](const auto& r) { return r.state == state; }));
}

bool Status::at_head() const { return runtime::same_heads(rows, heads); }

namespace api {

std::string command_name(Command command) { return to_string(command); }

runtime::Command to_runtime(Command command) {
  switch (command) {
    case Command::upgrade: return runtime::Command::upgrade;
    case Command::downgrade: return runtime::Command::downgrade;
    case Command::stamp: return runtime::Command::stamp;
  }
  return runtime::Command::upgrade;
}

VersionOp to_public(const graph::VersionOp& op) {
  VersionOp out;
  switch (op.kind) {
    case graph::VersionOp::Kind::insert: out.kind = VersionOp::Kind::insert; break;
    case graph::VersionOp::Kind::update: out.kind = VersionOp::Kind::update; break;
    case graph::VersionOp::Kind::remove: out.kind = VersionOp::Kind::remove; break;
  }
  out.from = op.from;
  out.to = op.to;
  return out;
}

std::vector<VersionOp> to_public(const std::vector<graph::VersionOp>& ops) {
  std::vector<VersionOp> out;
  out.reserve(ops.size());
  for (const auto& op : ops) out.push_back(to_public(op));
  return out;
}

namespace {

Direction to_public(graph::Direction d) {
  switch (d) {
    case graph::Direction::upgrade: return Direction::upgrade;
    case graph::Direction::downgrade: return Direction::downgrade;
    case graph::Direction::stamp: return Direction::stamp;
  }
  return Direction::stamp;
}

}  // namespace

PlanStep to_public(const graph::Step& s) {
  PlanStep step;
  step.direction = to_public(s.direction);
  step.revision = s.revision;
  step.from = s.from;
  step.to = s.to;
  step.ops = to_public(s.ops);
  return step;
}

RunResult to_public(Command command, const std::string& target, const graph::Plan& plan,
                    const std::vector<long long>& durations_ms) {
  RunResult r;
  r.command = command;
  r.target = target;
  r.heads_before = plan.heads_before;
  r.heads_after = plan.heads_after;
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    auto step = to_public(plan.steps[i]);
    if (i < durations_ms.size()) step.duration = std::chrono::milliseconds(durations_ms[i]);
    r.steps.push_back(std::move(step));
  }
  return r;
}

PartialRevision to_public(const runtime::JournalEntry& e) {
  PartialRevision out;
  out.journal_id = e.id;
  out.revision = e.revision;
  out.direction = e.direction;
  out.status = e.status;
  out.statements_done = e.statements_done;
  out.statements_total = e.statements_total;
  out.error = e.error;
  out.started_at = e.started_at;
  out.command = e.command;
  out.db_user = e.db_user;
  out.os_user = e.os_user;
  out.host = e.host;
  out.file = e.file_path;
  return out;
}

PartialRevision to_public(const runtime::PartialReport& p) {
  const auto& e = p.entry;
  PartialRevision out;
  out.journal_id = e.id;
  out.revision = e.revision;
  out.direction = e.direction;
  out.status = e.status;
  out.statements_done = p.statements_done;
  out.statements_total = e.statements_total;
  out.error = p.error;
  out.started_at = e.started_at;
  out.command = e.command;
  out.db_user = e.db_user;
  out.os_user = e.os_user;
  out.host = e.host;
  out.file = e.file_path;
  out.source = p.source;
  for (const auto& s : p.statements)
    out.statements.push_back({s.number, s.line, s.first_line, s.state, s.object, s.expect_present, s.catalog});
  return out;
}

RepairReport to_public(const runtime::RepairReport& r) {
  RepairReport out;
  for (const auto& p : r.partial) out.partial.push_back(to_public(p));
  for (const auto& m : r.validation.mismatches)
    out.checksum_mismatches.push_back(
        {m.revision, m.file, m.recorded_at, m.recorded_checksum, m.file_checksum, m.diff});
  out.missing_files = r.validation.missing_files;
  return out;
}

RepairOutcome to_public(RepairAction action, const runtime::RepairOutcome& o) {
  RepairOutcome out;
  out.action = action;
  out.revision = o.revision;
  out.heads_before = o.heads_before;
  out.heads_after = o.heads_after;
  out.ops = to_public(o.ops);
  out.statements_run = o.statements_run;
  out.journal_id = o.journal_id;
  out.summary = o.summary;
  return out;
}

}  // namespace api
}  // namespace migrate
