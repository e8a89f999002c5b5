// `repair --schema`: the DDL that brings the live schema to what its revisions build, run in
// one transaction under the lock and journaled (or, with --sql, printed). Destructive changes
// are listed and skipped unless --allow-destructive; skipping any, or differences that remain
// afterwards, make the exit status 1.
#include <migrate/migrator.hpp>

#include <ostream>

#include "commands/commands.hpp"
#include "commands/source.hpp"
#include "util/strings.hpp"

namespace migrate::commands {
namespace {

void refuse_other_actions(const RepairOptions& o) {
  if (o.resume || !o.mark_applied.empty() || !o.mark_reverted.empty() || !o.accept_checksum.empty() ||
      o.assume_ran || o.assume_not_run)
    throw Error(ErrorKind::usage, "--schema does not go with --resume, --mark-applied, --mark-reverted, "
                                  "--accept-checksum, --assume-ran or --assume-not-run",
                "run one repair action at a time");
}

util::Json changes_json(const std::vector<SchemaChangeInfo>& changes) {
  util::Json list = util::Json::array();
  for (const auto& c : changes) {
    util::Json item = util::Json::object();
    item.set("description", c.description).set("sql", c.sql).set("destructive", c.destructive);
    list.push(std::move(item));
  }
  return list;
}

util::Json result_json(const SchemaRepairResult& r) {
  util::Json doc = util::Json::object();
  doc.set("heads", util::Json::strings(r.heads))
      .set("changes", changes_json(r.changes))
      .set("skipped", changes_json(r.skipped))
      .set("notes", util::Json::strings(r.notes))
      .set("applied", r.applied)
      .set("journal_id", r.applied ? util::Json(r.journal_id) : util::Json())
      .set("remaining", schema_differences_json(r.remaining));
  return doc;
}

/// The DDL as a script: the skipped changes and the notes as comments first.
void print_sql(std::ostream& out, const SchemaRepairResult& r) {
  for (const auto& note : r.notes) out << "-- note: " << note << "\n";
  for (const auto& c : r.skipped) out << "-- skipped (destructive; --allow-destructive runs it): " << c.description << "\n";
  out << r.sql;
}

void print_text(std::ostream& out, const SchemaRepairResult& r) {
  for (const auto& c : r.changes) out << (r.applied ? "applied: " : "would apply: ") << c.description << "\n";
  for (const auto& c : r.skipped) out << "skipped (destructive; --allow-destructive runs it): " << c.description << "\n";
  for (const auto& note : r.notes) out << "note: " << note << "\n";
  if (r.changes.empty() && r.skipped.empty()) out << "Nothing to repair: the live schema is what the revisions build.\n";
  if (r.applied) out << "Applied " << r.changes.size() << " change(s) in one transaction (journal row " << r.journal_id << ").\n";
  if (!r.applied) return;
  if (r.remaining.empty()) {
    out << "Drift is clean now.\n";
    return;
  }
  out << "Still different (`migrate drift` lists them):\n";
  for (const auto& d : r.remaining) out << "  " << d.text << "\n";
}

}  // namespace

int repair_schema(const Context& ctx, const RepairOptions& opts) {
  refuse_other_actions(opts);
  SchemaRepairOptions options;
  options.sql_only = opts.sql;
  options.allow_destructive = opts.allow_destructive;
  options.reason = opts.reason;
  options.scratch_url = opts.scratch_url;
  auto result = make_migrator(ctx).repair_schema(options);
  if (opts.sql) print_sql(*ctx.out, result);  // stdout is the script even under --format json
  else if (ctx.format == Format::json) *ctx.out << result_json(result).dump() << "\n";
  else print_text(*ctx.out, result);
  return result.skipped.empty() && result.remaining.empty() ? 0 : 1;
}

}  // namespace migrate::commands
