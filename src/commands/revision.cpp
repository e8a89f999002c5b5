// Commands that write revision files: revision and merge.
#include <algorithm>
#include <filesystem>
#include <ostream>

#include <migrate/migrator.hpp>

#include "commands/commands.hpp"
#include "commands/source.hpp"
#include "api/database.hpp"
#include "api/declarative.hpp"
#include "api/project.hpp"
#include "core/error.hpp"
#include "script/revision_writer.hpp"

namespace migrate::commands {

using api::Project;


namespace {

namespace fs = std::filesystem;

const char* k_multiple_heads_for_revision =
    "Multiple heads are present; please specify the head revision on which the new revision should be based, "
    "or perform a merge.";

void validate_rev_id(const std::string& id) {
  if (!script::is_valid_revision_id(id))
    throw Error(ErrorKind::usage, "invalid --rev-id '" + id + "'",
                "a revision id is 1 to 32 characters of A-Z, a-z, 0-9 and _ ('-' would read as a relative move)");
}

/// Resolves the revisions the new one is based on; `base` gives none.
std::vector<std::string> resolve_bases(const Project& p, const std::vector<std::string>& args, bool splice) {
  std::vector<std::string> ids;
  for (const auto& arg : args) {
    std::vector<std::string> resolved;
    try {
      resolved = p.map().resolve(arg);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::multiple_heads)
        throw Error(ErrorKind::multiple_heads, k_multiple_heads_for_revision,
                    "heads: " + join_ids(p.map().heads()) + "; pass --head <rev> or run `migrate merge heads`");
      throw;
    }
    for (auto& id : resolved) {
      if (std::find(ids.begin(), ids.end(), id) != ids.end())
        throw Error(ErrorKind::usage, "Duplicate head revisions specified");
      if (!splice && !p.map().get(id).is_head())
        throw Error(ErrorKind::invalid_target,
                    "Revision " + id + " is not a head revision; please specify --splice to create a new branch from this revision");
      ids.push_back(id);
    }
  }
  return ids;
}

/// `--depends-on` values: full ids, except a value naming one of the revision's labels
/// stays a label (Alembic keeps labels so the dependency follows the branch).
std::vector<std::string> resolve_dependencies(const Project& p, const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const auto& arg : args) {
    auto ids = p.map().resolve(arg);
    if (ids.size() != 1)
      throw Error(ErrorKind::revision_not_found, "Can't locate revision identified by '" + arg + "'",
                  "--depends-on needs exactly one revision");
    const auto& rev = p.map().get(ids.front());
    bool is_label = std::find(rev.branch_labels.begin(), rev.branch_labels.end(), arg) != rev.branch_labels.end();
    out.push_back(is_label ? arg : rev.id);
  }
  return out;
}

fs::path choose_directory(const Project& p, const std::string& version_path, const std::vector<std::string>& bases) {
  const auto& locations = p.config().version_locations;
  if (!version_path.empty()) {
    auto wanted = fs::weakly_canonical(fs::absolute(version_path));
    for (const auto& loc : locations)
      if (fs::weakly_canonical(loc) == wanted) return loc;
    throw Error(ErrorKind::usage, "Path " + version_path + " is not represented in current version locations",
                "version locations: " + [&] {
                  std::vector<std::string> s;
                  for (const auto& l : locations) s.push_back(l.string());
                  return join_ids(s);
                }());
  }
  if (locations.size() == 1) return locations.front();
  if (!bases.empty()) return p.file_of(bases.front()).path.parent_path();
  throw Error(ErrorKind::usage, "Multiple version locations present, please specify --version-path");
}

int write_new_revision(const Context& ctx, const Project& p, script::NewRevision rev, const fs::path& dir) {
  if (rev.id.empty()) rev.id = script::generate_revision_id();
  validate_rev_id(rev.id);
  if (rev.message.empty()) rev.message = "empty message";
  rev.created = std::chrono::system_clock::now();

  // Validate the graph with the new revision before anything is written.
  std::vector<graph::RevisionSpec> specs;
  for (const auto& f : p.files())
    specs.push_back({f.id, f.down_revisions, f.branch_labels, f.depends_on,
                     f.path.string() + ":" + std::to_string(f.header_line)});
  specs.push_back({rev.id, rev.down_revisions, rev.branch_labels, rev.depends_on, "new revision " + rev.id});
  graph::RevisionMap check(std::move(specs));

  const auto& cfg = p.config();
  auto name = script::render_file_name(cfg.file_template, rev, cfg.truncate_slug_length, cfg.timezone);
  auto path = script::write_revision_file(dir, name, script::render_revision_file(rev, cfg.timezone));
  auto absolute = fs::absolute(path);
  if (ctx.format == Format::json) {
    graph::RevisionMap map = check;
    script::RevisionFile file;
    file.path = absolute;
    file.message = rev.message;
    util::Json list = util::Json::array();
    list.push(revision_json(map.get(rev.id), file, std::nullopt));
    util::Json doc = util::Json::object();
    doc.set("revisions", std::move(list));
    *ctx.out << doc.dump() << "\n";
  } else {
    *ctx.out << "Generating " << absolute.string() << " ...  done\n";
  }
  return 0;
}

/// Fills `rev`'s sections with the DDL from its parents' schema to `schema_file`'s; false (and
/// says so) when there is none, so that no file is written.
bool autogenerated(const Context& ctx, const Project& p, script::NewRevision& rev) {
  auto db = api::open_database(p.config(), backend::OpenMode::empty_if_missing);
  runtime::StopToken own;
  auto sections = api::autogenerate_sections(p, *db, rev.down_revisions, ctx.stop ? *ctx.stop : own);
  if (sections.empty()) {
    *ctx.out << "No changes: the schema " << join_ids(rev.down_revisions, "base") << " builds is what "
             << p.config().schema_file.string()
             << " builds; no revision written.\n";
    return false;
  }
  rev.upgrade_sql = std::move(sections.upgrade_sql);
  rev.downgrade_sql = std::move(sections.downgrade_sql);
  return true;
}

}  // namespace

int revision(const Context& ctx, const RevisionOptions& opts) {
  if (!opts.rev_id.empty()) validate_rev_id(opts.rev_id);
  auto p = Project::load(config::load(ctx.overrides));
  auto heads = opts.heads.empty() ? std::vector<std::string>{"head"} : opts.heads;
  script::NewRevision rev;
  rev.id = opts.rev_id;
  rev.down_revisions = resolve_bases(p, heads, opts.splice);
  if (!opts.branch_label.empty()) rev.branch_labels.push_back(opts.branch_label);
  rev.depends_on = resolve_dependencies(p, opts.depends_on);
  rev.message = opts.message;
  if (opts.autogenerate && !autogenerated(ctx, p, rev)) return 0;
  auto dir = choose_directory(p, opts.version_path, rev.down_revisions);
  return write_new_revision(ctx, p, std::move(rev), dir);
}

int baseline(const Context& ctx, const BaselineOptions& opts) {
  if (!opts.rev_id.empty()) validate_rev_id(opts.rev_id);
  if (!opts.stamp && !opts.reason.empty()) throw Error(ErrorKind::usage, "--reason goes with --stamp");
  auto p = Project::load(config::load(ctx.overrides));
  script::NewRevision rev;
  rev.id = opts.rev_id.empty() ? script::generate_revision_id() : opts.rev_id;
  rev.message = opts.message.empty() ? "baseline" : opts.message;
  {
    auto db = api::open_database(p.config(), backend::OpenMode::existing_only);
    auto sections = api::baseline_sections(p, *db, opts.ignore_unsupported);
    rev.upgrade_sql = std::move(sections.upgrade_sql);
    rev.downgrade_sql = std::move(sections.downgrade_sql);
  }
  const std::string id = rev.id;
  int status = write_new_revision(ctx, p, std::move(rev), choose_directory(p, "", {}));
  if (!opts.stamp) return status;
  migrate::StampOptions stamp;
  stamp.reason = opts.reason.empty() ? "baseline " + id + " of the existing schema" : opts.reason;
  make_migrator(ctx).stamp({id}, stamp);
  return status;
}

int merge(const Context& ctx, const MergeOptions& opts) {
  if (!opts.rev_id.empty()) validate_rev_id(opts.rev_id);
  auto p = Project::load(config::load(ctx.overrides));
  script::NewRevision rev;
  rev.id = opts.rev_id;
  rev.down_revisions = resolve_bases(p, opts.revisions, opts.splice);
  if (rev.down_revisions.size() < 2)
    throw Error(ErrorKind::invalid_target, "a merge needs at least two revisions; got " +
                                               join_ids(rev.down_revisions, "none"),
                "name the heads to merge, or `heads` for all of them");
  if (!opts.branch_label.empty()) rev.branch_labels.push_back(opts.branch_label);
  rev.message = opts.message;
  auto dir = choose_directory(p, "", rev.down_revisions);
  return write_new_revision(ctx, p, std::move(rev), dir);
}

}  // namespace migrate::commands
