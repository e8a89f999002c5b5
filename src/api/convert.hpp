#pragma once
/// Conversions from the internal graph and runtime types to the public value types of
/// include/migrate/types.hpp, so that the public headers need nothing from src/.

#include <migrate/types.hpp>

#include <optional>
#include <string>
#include <vector>

#include "graph/plan.hpp"
#include "runtime/repair.hpp"
#include "runtime/runner.hpp"

namespace migrate::api {

VersionOp to_public(const graph::VersionOp& op);
std::vector<VersionOp> to_public(const std::vector<graph::VersionOp>& ops);

/// The plan as a RunResult; `durations_ms` (same order as the steps, may be empty) fills
/// each step's duration.
RunResult to_public(Command command, const std::string& target, const graph::Plan& plan,
                    const std::vector<long long>& durations_ms);

PlanStep to_public(const graph::Step& step);
PartialRevision to_public(const runtime::JournalEntry& partial);
PartialRevision to_public(const runtime::PartialReport& p);
RepairReport to_public(const runtime::RepairReport& r);
RepairOutcome to_public(RepairAction action, const runtime::RepairOutcome& o);

/// "upgrade", "downgrade" or "stamp".
std::string command_name(Command command);
runtime::Command to_runtime(Command command);

}  // namespace migrate::api
