// Read-only commands: heads, branches, history, show, current. Those that read the
// database (current, show current, history with --indicate-current or a `current` range)
// load the journal's copies of applied revisions whose files are gone, with a warning.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <ostream>

#include "commands/commands.hpp"
#include "api/database.hpp"
#include "api/project.hpp"
#include "core/error.hpp"
#include "runtime/version_table.hpp"

namespace migrate::commands {

using api::Project;


namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

using Online = api::OnlineProject;

/// Says which revisions are shown from the journal's copy (as `downgrade` says which run
/// from it): their files are gone, and the listing is only as good as that copy.
void warn_journal_copies(const Project& p) {
  for (const auto& f : p.files())
    if (p.is_journal_copy(f.id))
      spdlog::warn("revision {} has no file in the version locations: it is shown from the copy stored in the "
                   "journal when it was applied ({}); restore the file, or `migrate downgrade` off it",
                   f.id, p.copy_stored_at(f.id));
}

/// The project with the journal's copies and the version-table rows, read without a lock.
Online load_online(const Context& ctx) {
  auto o = api::open_online(config::load(ctx.overrides), true);
  warn_journal_copies(*o.project);
  return o;
}

/// Prints `ids` as {"revisions": [...]} or one text entry per id.
template <typename TextFn>
void print_revisions(const Context& ctx, const Project& p, const std::vector<std::string>& ids,
                     std::optional<std::vector<std::string>> current_rows, TextFn text) {
  if (ctx.format == Format::json) {
    util::Json list = util::Json::array();
    for (const auto& id : ids) {
      std::optional<bool> cur;
      if (current_rows) cur = contains(*current_rows, id);
      list.push(revision_json(p.map().get(id), p.file_of(id), cur));
    }
    util::Json doc = util::Json::object();
    doc.set("revisions", std::move(list));
    *ctx.out << doc.dump() << "\n";
    return;
  }
  // Written in blocks of about 64 KiB: with thousands of revisions a stream insertion per
  // entry costs more than building the entries, and one string of them all would be a
  // megabyte at 10,000.
  constexpr std::size_t k_block = 64 * 1024;
  std::string out;
  out.reserve(k_block + 1024);
  for (const auto& id : ids) {
    out += text(p.map().get(id), p.file_of(id));
    if (out.size() < k_block) continue;
    *ctx.out << out;
    out.clear();
  }
  *ctx.out << out;
}

}  // namespace

int heads(const Context& ctx, const HeadsOptions& opts) {
  auto p = Project::load(config::load(ctx.overrides));
  auto ids = opts.resolve_dependencies ? p.map().real_heads() : p.map().heads();
  EntryStyle style{.include_branches = true, .tree_indicators = false};
  print_revisions(ctx, p, ids, std::nullopt, [&](const auto& rev, const auto& file) {
    return opts.verbose ? log_entry(p.map(), rev, file, false) : short_entry(rev, file, style, false) + "\n";
  });
  return 0;
}

int branches(const Context& ctx, bool verbose) {
  auto p = Project::load(config::load(ctx.overrides));
  std::vector<std::string> ids;
  for (const auto& bp : p.map().branch_points()) {
    ids.push_back(bp);
    for (auto& child : p.map().children(p.map().get(bp))) ids.push_back(std::move(child));
  }
  if (ctx.format == Format::json) {
    print_revisions(ctx, p, ids, std::nullopt, [](const auto&, const auto&) { return std::string(); });
    return 0;
  }
  for (const auto& bp : p.map().branch_points()) {
    const auto& rev = p.map().get(bp);
    EntryStyle style{.include_branches = true};
    *ctx.out << (verbose ? log_entry(p.map(), rev, p.file_of(bp), false) : short_entry(rev, p.file_of(bp), style, false))
             << "\n";
    EntryStyle child_style{.include_branches = true, .include_doc = verbose};
    for (const auto& child : p.map().children(rev)) {
      *ctx.out << std::string(rev.id.size(), ' ') << " -> "
               << short_entry(p.map().get(child), p.file_of(child), child_style, false) << "\n";
    }
    *ctx.out << "\n";
  }
  return 0;
}

int history(const Context& ctx, const HistoryOptions& opts) {
  bool needs_db = opts.indicate_current || opts.rev_range.find("current") != std::string::npos;
  Online online;
  if (needs_db)
    online = load_online(ctx);
  else
    online.project = std::make_unique<Project>(Project::load(config::load(ctx.overrides)));
  const auto& p = *online.project;
  const auto& rows = online.rows;
  auto ids = p.map().history(opts.rev_range, rows);
  std::optional<std::vector<std::string>> current;
  if (opts.indicate_current) current = rows;
  EntryStyle style{.include_branches = true, .include_doc = true, .include_parents = true};
  print_revisions(ctx, p, ids, current, [&](const auto& rev, const auto& file) {
    bool is_current = opts.indicate_current && contains(rows, rev.id);
    return opts.verbose ? log_entry(p.map(), rev, file, is_current) + "\n" : short_entry(rev, file, style, is_current) + "\n";
  });
  return 0;
}

int show(const Context& ctx, const std::string& rev_arg) {
  Online online;
  std::vector<std::string> ids;
  std::optional<std::vector<std::string>> current;
  if (rev_arg == "current") {
    online = load_online(ctx);
    ids = online.project->map().current_heads(online.rows);
    current = online.rows;
  } else {
    online.project = std::make_unique<Project>(Project::load(config::load(ctx.overrides)));
    ids = online.project->map().resolve(rev_arg);
  }
  const auto& p = *online.project;
  print_revisions(ctx, p, ids, current, [&](const auto& rev, const auto& file) {
    return log_entry(p.map(), rev, file, current && contains(*current, rev.id));
  });
  return 0;
}

int current(const Context& ctx, const CurrentOptions& opts) {
  refuse_fleet_flags_alone(opts.fleet);
  if (!opts.fleet.targets.empty()) {
    if (opts.verbose) throw Error(ErrorKind::usage, "current --verbose does not go with --targets");
    FleetRequest request{FleetCommand::current, "", opts.fleet};
    request.check_heads = opts.check_heads;
    return fleet(ctx, request);
  }
  auto online = load_online(ctx);
  const auto& p = *online.project;
  const auto& rows = online.rows;
  if (opts.check_heads) {
    // As Alembic: the check runs before anything is printed.
    auto heads = p.map().heads();
    if (!runtime::same_heads(rows, heads))
      throw Error(ErrorKind::check_failed, "Database is not on all head revisions",
                  "database: " + join_ids(rows, "(empty)") + "; heads: " + join_ids(heads, "(none)") +
                      "; run `migrate upgrade heads`");
  }
  auto ids = p.map().current_heads(rows);
  if (ctx.format == Format::text && opts.verbose)
    *ctx.out << "Current revision(s) for " << config::redact_url(p.config().database_url) << ":\n";
  print_revisions(ctx, p, ids, rows, [&](const auto& rev, const auto& file) {
    return opts.verbose ? log_entry(p.map(), rev, file, true) : short_entry(rev, file, EntryStyle{}, false) + "\n";
  });
  return 0;
}

}  // namespace migrate::commands
