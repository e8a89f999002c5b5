#include "runtime/plan_check.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "util/strings.hpp"

namespace migrate::runtime {
namespace {

using graph::Direction;

Error missing_file(const std::string& id, Direction direction, PlanUse use) {
  if (use == PlanUse::offline) return Error(ErrorKind::script, "no revision file for revision " + id);
  return Error(ErrorKind::needs_repair,
               fmt::format("cannot {} revision {}: its file is gone", graph::to_string(direction), id),
               "restore the revision file (from version control), or record the state by hand with "
               "`migrate stamp`");
}

Error irreversible(const std::string& id, const script::RevisionFile& file) {
  return Error(ErrorKind::irreversible,
               fmt::format("revision {} ({}) has no downgrade section; cannot downgrade through it", id,
                           file.path.string()),
               "add a `-- migrate:downgrade` section to the file (an empty one is a no-op), or "
               "choose a target above it");
}

}  // namespace

std::vector<const script::RevisionFile*> check_plan(const graph::Plan& plan, const FileLookup& files, PlanUse use) {
  std::vector<const script::RevisionFile*> out;
  std::vector<std::string> non_transactional;
  for (const auto& step : plan.steps) {
    if (step.direction == Direction::stamp) {
      out.push_back(nullptr);
      continue;
    }
    const auto& id = step.revision.value_or("");
    const auto* file = files(id);
    if (!file) throw missing_file(id, step.direction, use);
    if (step.direction == Direction::downgrade && file->is_irreversible()) throw irreversible(id, *file);
    if (!file->transactional) non_transactional.push_back(id + " (" + file->path.string() + ")");
    out.push_back(file);
  }
  if (use == PlanUse::dry_run && !non_transactional.empty())
    throw Error(ErrorKind::usage,
                "--dry-run cannot run non-transactional revisions: " + util::join(non_transactional, ", "),
                "their statements cannot be rolled back; use --sql or --plan to review them");
  return out;
}

void require_rollback_for_dry_run(backend::Backend& db) {
  const auto caps = db.capabilities();
  if (caps.transactional_ddl) return;
  throw Error(ErrorKind::usage,
              fmt::format("--dry-run cannot run on {} ({}): its DDL does not roll back with the transaction, so "
                          "every revision runs statement by statement and stays applied",
                          backend::to_string(caps.engine), db.describe()),
              "use --sql or --plan to review the revisions, or a dry run on a PostgreSQL copy of the database");
}

const script::SqlSection* section_for(const script::RevisionFile& file, Direction direction, Dialect dialect) {
  if (direction == Direction::upgrade) return file.upgrade_for(dialect);
  if (direction == Direction::downgrade) return file.downgrade_for(dialect);
  return nullptr;
}

}  // namespace migrate::runtime
