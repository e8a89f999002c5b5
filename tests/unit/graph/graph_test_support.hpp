#pragma once
// Helpers for building revision graphs from literals in tests.

#include <string>
#include <vector>

#include "graph/revision_map.hpp"

namespace migrate::graph::testing {

using Ids = std::vector<std::string>;

/// One revision: id, down_revisions, depends_on, branch_labels.
inline RevisionSpec rev(std::string id, Ids down = {}, Ids deps = {}, Ids labels = {}) {
  RevisionSpec s;
  s.origin = id + ".sql:2";
  s.id = std::move(id);
  s.down_revisions = std::move(down);
  s.depends_on = std::move(deps);
  s.branch_labels = std::move(labels);
  return s;
}

/// Revision ids of the steps, in order.
inline Ids step_revisions(const Plan& plan) {
  Ids out;
  for (const auto& s : plan.steps) out.push_back(s.revision.value_or("<base>"));
  return out;
}

/// All ops as "insert x", "update x->y", "delete x", in execution order.
inline Ids ops(const Plan& plan) {
  Ids out;
  for (const auto& s : plan.steps)
    for (const auto& op : s.ops) {
      switch (op.kind) {
        case VersionOp::Kind::insert: out.push_back("insert " + op.to); break;
        case VersionOp::Kind::update: out.push_back("update " + op.from + "->" + op.to); break;
        case VersionOp::Kind::remove: out.push_back("delete " + op.from); break;
      }
    }
  return out;
}

}  // namespace migrate::graph::testing
