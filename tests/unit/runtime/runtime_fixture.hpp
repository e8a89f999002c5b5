#pragma once
// Hand-built revision files and plans for the runtime tests (no graph planning code).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "graph/plan.hpp"
#include "runtime/runner.hpp"
#include "script/revision_file.hpp"

namespace migrate::test {

inline script::RevisionFile revision(const std::string& id, std::vector<std::string> down, std::string up_sql,
                                     std::optional<std::string> down_sql = std::string(), bool transactional = true,
                                     int up_line = 10) {
  script::RevisionFile f;
  f.path = "versions/" + id + ".sql";
  f.id = id;
  f.down_revisions = std::move(down);
  f.message = "message of " + id;
  f.transactional = transactional;
  f.checksum = util::sha256("sum-" + id);
  f.upgrade_sections()[""] = {std::move(up_sql), up_line};
  if (down_sql) f.downgrade_sections()[""] = {*down_sql, up_line + 20};
  return f;
}

/// Files by id, handing out a FileLookup.
struct Files {
  std::map<std::string, script::RevisionFile> by_id;
  void add(script::RevisionFile f) { by_id[f.id] = std::move(f); }
  runtime::FileLookup lookup() const {
    return [this](const std::string& id) -> const script::RevisionFile* {
      auto it = by_id.find(id);
      return it == by_id.end() ? nullptr : &it->second;
    };
  }
};

inline graph::Step up(const std::string& rev, std::vector<std::string> from, std::vector<graph::VersionOp> ops) {
  return {graph::Direction::upgrade, rev, std::move(from), {rev}, std::move(ops)};
}

inline graph::Step down(const std::string& rev, std::vector<std::string> to, std::vector<graph::VersionOp> ops) {
  return {graph::Direction::downgrade, rev, {rev}, std::move(to), std::move(ops)};
}

/// A linear chain's planner: upgrades from the single row (or nothing) to the last id.
inline runtime::Planner linear_upgrade(std::vector<std::string> chain) {
  return [chain](const std::vector<std::string>& rows) {
    graph::Plan plan;
    plan.heads_before = rows;
    size_t next = 0;
    if (!rows.empty())
      for (size_t i = 0; i < chain.size(); ++i)
        if (chain[i] == rows[0]) next = i + 1;
    std::optional<std::string> prev = rows.empty() ? std::nullopt : std::optional<std::string>(rows[0]);
    for (size_t i = next; i < chain.size(); ++i) {
      if (prev)
        plan.steps.push_back(up(chain[i], {*prev}, {graph::VersionOp::update(*prev, chain[i])}));
      else
        plan.steps.push_back(up(chain[i], {}, {graph::VersionOp::insert(chain[i])}));
      prev = chain[i];
    }
    plan.heads_after = prev ? std::vector<std::string>{*prev} : std::vector<std::string>{};
    return plan;
  };
}

}  // namespace migrate::test
