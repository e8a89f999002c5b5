// `status` and `log`: what the database holds and how it got there, read from the version
// table and the journal through migrate::Migrator; no lock, nothing created. Both are
// informational and exit 0.
#include <migrate/migrator.hpp>

#include <ostream>

#include "commands/commands.hpp"
#include "commands/source.hpp"

namespace migrate::commands {

namespace {

std::string applied_by(const RevisionStatus& r) {
  return r.journal_id == 0 ? "" : who_text(r.db_user, r.os_user, r.host);
}

/// When it was applied: the row's finish time, `started <time>` for a partial revision,
/// `unknown` for an applied revision the journal has no row for.
std::string when_text(const RevisionStatus& r) {
  if (r.state == RevisionState::pending) return "";
  if (r.state == RevisionState::partial) return "started " + r.started_at;
  return r.applied_at.empty() ? "unknown" : r.applied_at;
}

/// `5 revisions: 3 applied, 1 stamped, 1 pending; database at c (head)`: counts of the
/// states that occur (applied and pending always), then the rows against the heads.
std::string summary_text(const Status& s) {
  std::string text = std::to_string(s.revisions.size()) + " revision" + (s.revisions.size() == 1 ? "" : "s") + ": ";
  std::vector<std::string> counts;
  for (auto state : {RevisionState::applied, RevisionState::stamped, RevisionState::file_gone,
                     RevisionState::partial, RevisionState::pending}) {
    std::size_t n = s.count(state);
    bool always = state == RevisionState::applied || state == RevisionState::pending;
    if (n > 0 || always) counts.push_back(std::to_string(n) + " " + to_string(state));
  }
  text += join_ids(counts) + "; database at " + join_ids(s.rows, "base");
  if (s.heads.empty()) return text;  // a project without revisions
  if (s.at_head()) return text + (s.heads.size() == 1 ? " (head)" : " (heads)");
  return text + "; head" + (s.heads.size() == 1 ? " " : "s ") + join_ids(s.heads, "(none)");
}

/// The schema line of `status`: does the live schema still have the fingerprint the
/// journal recorded when the database reached its current revisions?
std::string schema_text(const SchemaStatus& schema) {
  std::string live = "Schema fingerprint " + schema.fingerprint.substr(0, 12);
  std::string row = " (journal row " + std::to_string(schema.recorded_row) + ", " + schema.recorded_at + ")";
  if (schema.matches) return live + " matches the one recorded for the current revisions" + row + ".";
  if (schema.recorded_for_heads)
    return live + " differs from the one recorded for the current revisions" + row + ", " +
           schema.recorded_fingerprint.substr(0, 12) +
           ": the schema was changed outside migrate; `migrate drift` shows what differs.";
  return live + ": the journal records no fingerprint for the current revisions (set by an older migrate, by "
                "hand, or by a run that stopped between revisions); the next upgrade or downgrade that runs a revision "
                "records one.";
}

/// `file <path>`, after the journal row that applied it when there is one.
std::string origin_text(const RevisionStatus& r) {
  if (r.journal_id) return r.command + " (journal row " + std::to_string(r.journal_id) + "), file " + r.path;
  if (r.state == RevisionState::pending) return "file " + r.path;
  return "no journal row, file " + r.path;
}

void print_status_text(const Context& ctx, const Status& s, bool verbose) {
  std::vector<std::vector<std::string>> rows{{"REVISION", "STATE", "APPLIED", "BY", "DURATION", "MESSAGE"}};
  for (const auto& r : s.revisions)
    rows.push_back({r.revision + (r.is_current ? " (current)" : ""), to_string(r.state), when_text(r), applied_by(r),
                    duration_text(r.duration_ms), r.message});
  auto lines = aligned(rows);
  for (std::size_t i = 0; i < lines.size() && !s.revisions.empty(); ++i) {
    *ctx.out << lines[i] << "\n";
    if (verbose && i > 0) *ctx.out << "    " << origin_text(s.revisions[i - 1]) << "\n";
  }
  *ctx.out << (s.revisions.empty() ? "" : "\n") << summary_text(s) << "\n";
  if (!s.has_journal && !s.rows.empty())
    *ctx.out << "The database has no journal (applied by another tool, or before it was kept): when and by whom "
                "its revisions were applied is not known.\n";
  if (s.schema) *ctx.out << schema_text(*s.schema) << "\n";
}

util::Json schema_json(const SchemaStatus& schema) {
  util::Json doc = util::Json::object();
  doc.set("fingerprint", schema.fingerprint)
      .set("recorded_fingerprint", schema.recorded_fingerprint.empty() ? util::Json() : util::Json(schema.recorded_fingerprint))
      .set("recorded_row", schema.recorded_row ? util::Json(schema.recorded_row) : util::Json())
      .set("recorded_at", schema.recorded_at.empty() ? util::Json() : util::Json(schema.recorded_at))
      .set("recorded_heads", util::Json::strings(schema.recorded_heads))
      .set("recorded_for_heads", schema.recorded_for_heads)
      .set("matches", schema.matches);
  return doc;
}

util::Json status_json(const Status& s) {
  util::Json list = util::Json::array();
  for (const auto& r : s.revisions) {
    auto text = [&r](const std::string& v) { return r.journal_id && !v.empty() ? util::Json(v) : util::Json(); };
    util::Json item = util::Json::object();
    item.set("revision", r.revision)
        .set("message", r.message)
        .set("path", r.path)
        .set("state", to_string(r.state))
        .set("is_current", r.is_current)
        .set("applied_at", text(r.applied_at))
        .set("applied_by", r.journal_id ? util::Json(applied_by(r)) : util::Json())
        .set("duration_ms", r.duration_ms ? util::Json(*r.duration_ms) : util::Json())
        .set("command", text(r.command))
        .set("journal_id", r.journal_id ? util::Json(r.journal_id) : util::Json())
        .set("started_at", text(r.started_at))
        .set("db_user", text(r.db_user))
        .set("os_user", text(r.os_user))
        .set("host", text(r.host));
    list.push(std::move(item));
  }
  util::Json summary = util::Json::object();
  summary.set("revisions", static_cast<long long>(s.revisions.size()));
  for (auto state : {RevisionState::applied, RevisionState::stamped, RevisionState::file_gone,
                     RevisionState::partial, RevisionState::pending}) {
    std::string key = to_string(state);
    if (state == RevisionState::file_gone) key = "file_gone";
    summary.set(key, static_cast<long long>(s.count(state)));
  }
  summary.set("rows", util::Json::strings(s.rows))
      .set("heads", util::Json::strings(s.heads))
      .set("at_head", s.at_head())
      .set("has_journal", s.has_journal);
  util::Json doc = util::Json::object();
  doc.set("revisions", std::move(list)).set("summary", std::move(summary));
  doc.set("schema", s.schema ? schema_json(*s.schema) : util::Json());
  return doc;
}

/// `12  2026-11-21T19:30:00.123Z  upgrade  c1  upgrade  applied  27 ms  root@vm`, per row.
std::vector<std::string> log_cells(const JournalRecord& e) {
  std::string revision = e.revision.empty() ? (e.direction == "stamp" ? "base" : "-") : e.revision;
  std::string status = e.status;
  if (e.status != "applied" && e.statements_total > 0)
    status += " (" + std::to_string(e.statements_done) + "/" + std::to_string(e.statements_total) + ")";
  return {std::to_string(e.id), e.started_at, e.command,   revision,
          e.direction,          status,       duration_text(e.duration_ms), who_text(e.db_user, e.os_user, e.host)};
}

void print_log_text(const Context& ctx, const std::vector<JournalRecord>& entries) {
  if (entries.empty()) return;
  std::vector<std::vector<std::string>> rows{{"ID", "STARTED", "COMMAND", "REVISION", "DIRECTION", "STATUS",
                                               "DURATION", "BY"}};
  for (const auto& e : entries) rows.push_back(log_cells(e));
  auto lines = aligned(rows);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    *ctx.out << lines[i] << "\n";
    if (i == 0) continue;
    const auto& e = entries[i - 1];
    if (!e.reason.empty()) *ctx.out << "    reason: " << e.reason << "\n";
    if (!e.error.empty()) *ctx.out << "    error: " << e.error << "\n";
  }
}

util::Json log_json(const std::vector<JournalRecord>& entries) {
  util::Json list = util::Json::array();
  for (const auto& e : entries) list.push(journal_record_json(e));
  util::Json doc = util::Json::object();
  doc.set("entries", std::move(list));
  return doc;
}

}  // namespace

int status(const Context& ctx, const StatusOptions& opts) {
  refuse_fleet_flags_alone(opts.fleet);
  if (!opts.fleet.targets.empty()) {
    if (opts.verbose) throw Error(ErrorKind::usage, "status --verbose does not go with --targets");
    return fleet(ctx, {FleetCommand::status, "", opts.fleet});
  }
  auto migrator = make_migrator(ctx);
  auto s = migrator.status();
  if (ctx.format == Format::json)
    *ctx.out << status_json(s).dump() << "\n";
  else
    print_status_text(ctx, s, opts.verbose);
  return 0;
}

int log(const Context& ctx, const LogOptions& opts) {
  if (opts.limit && *opts.limit < 0) throw Error(ErrorKind::usage, "-n must not be negative");
  LogQuery query;
  if (opts.limit) query.limit = static_cast<std::size_t>(*opts.limit);
  query.revision = opts.revision;
  auto entries = make_migrator(ctx).log(query);
  if (ctx.format == Format::json)
    *ctx.out << log_json(entries).dump() << "\n";
  else
    print_log_text(ctx, entries);
  return 0;
}

}  // namespace migrate::commands
