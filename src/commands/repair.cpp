// `repair`: lists what needs repair (exit 5 while anything does, 0 when clean) or records
// one way out, through migrate::Migrator; this file parses the flags and renders.
#include <migrate/migrator.hpp>

#include <ostream>

#include "commands/commands.hpp"
#include "commands/source.hpp"
#include "util/strings.hpp"

namespace migrate::commands {


namespace {

constexpr int k_needs_repair_status = 5;

/// Which action the flags ask for ("" = list); usage errors for flags that do not go together.
std::string chosen_action(const RepairOptions& o) {
  std::vector<std::string> actions;
  if (o.resume) actions.push_back("--resume");
  if (!o.mark_applied.empty()) actions.push_back("--mark-applied");
  if (!o.mark_reverted.empty()) actions.push_back("--mark-reverted");
  if (!o.accept_checksum.empty()) actions.push_back("--accept-checksum");
  if (actions.size() > 1)
    throw Error(ErrorKind::usage, util::join(actions, ", ") + " do not go together", "run one repair action at a time");
  if (actions.empty()) {
    if (!o.reason.empty())
      throw Error(ErrorKind::usage,
                  "--reason goes with --resume, --mark-applied, --mark-reverted or --accept-checksum");
    return "";
  }
  if (actions[0] != "--resume" && util::trim(o.reason).empty())
    throw Error(ErrorKind::usage, actions[0] + " needs --reason TEXT (it is recorded in the journal)",
                "for example: migrate repair " + actions[0] +
                    " REV --reason \"index built by hand during the outage\"");
  return actions[0];
}

InDoubt in_doubt(const RepairOptions& o) {
  if (o.assume_ran && o.assume_not_run)
    throw Error(ErrorKind::usage, "--assume-ran and --assume-not-run do not go together",
                "say whether the statement in doubt ran (`migrate repair` shows what the catalog holds)");
  if ((o.assume_ran || o.assume_not_run) && !o.resume)
    throw Error(ErrorKind::usage, "--assume-ran and --assume-not-run go with --resume");
  return o.assume_ran ? InDoubt::assume_ran : o.assume_not_run ? InDoubt::assume_not_run : InDoubt::refuse;
}

std::string catalog_text(const PartialStatement& s) {
  if (s.object.empty()) return "not checkable";
  std::string expected = s.expect_present ? "present" : "absent";
  std::string text = s.object + " " + s.catalog;
  if (s.catalog != "not checkable" && s.catalog != expected) text += " (the statement leaves it " + expected + ")";
  return text;
}

void print_partial_text(std::ostream& out, const PartialRevision& p) {
  const auto& e = p;
  std::string what = e.status == "failed" ? "failed" : "was interrupted";
  out << "Revision " << e.revision << ": " << e.direction << " " << what << " after statement " << p.statements_done
      << " of " << e.statements_total << " (non-transactional: the statements that ran stay committed)\n";
  out << "  started " << e.started_at << " by " << who_text(e.db_user, e.os_user, e.host) << " (" << e.command << ")\n";
  if (!e.file.empty()) out << "  file: " << e.file << "\n";
  if (!p.error.empty()) out << "  error: " << p.error << "\n";
  if (e.status == "running")
    out << "  the run stopped without recording an error (the process died, or it still runs elsewhere)\n";
  if (!p.statements.empty()) out << "  statements (from " << p.source << "):\n";
  for (const auto& s : p.statements) {
    out << "    " << s.number << ". line " << s.line << ": " << s.text << "\n       " << s.state;
    if (s.state == "may have run")
      out << " (it started outside a transaction and the run died before recording its end)";
    if (s.state == "done" || s.state == "may have run") out << "; catalog: " << catalog_text(s);
    if (s.state == "failed" && !p.error.empty()) out << ": " << p.error;
    out << "\n";
  }
  for (const auto& s : p.statements)
    if (s.state == "may have run")
      out << "  statement " << s.number << " is in doubt: check whether it took effect (the catalog line above, or "
          << "the data), then `migrate repair --resume --assume-ran` (skips it) or `--assume-not-run` (runs it "
          << "again); an index left INVALID by an interrupted CONCURRENTLY build must be dropped before "
          << "--assume-not-run\n";
  out << "  ways out: `migrate repair --resume` (runs statements " << p.statements_done + 1 << "-"
      << e.statements_total << "), or fix the schema by hand and record it with `migrate repair --mark-applied "
      << e.revision << " --reason \"...\"` or `--mark-reverted " << e.revision << " --reason \"...\"`\n";
}

void print_text(std::ostream& out, const RepairReport& r) {
  if (r.clean()) {
    out << "Nothing needs repair.\n";
    return;
  }
  for (const auto& p : r.partial) print_partial_text(out, p);
  for (const auto& m : r.checksum_mismatches) {
    out << "Revision " << m.revision << ": applied, but " << m.file << " changed since (checksum recorded "
        << m.recorded_at << ")";
    if (!m.diff.empty()) out << ": " << m.diff;
    out << "\n  ways out: restore the file as it was applied, or `migrate repair --accept-checksum " << m.revision
        << " --reason \"...\"`\n";
  }
  for (const auto& id : r.missing_files)
    out << "Revision " << id << ": applied, but its file is gone from the version locations\n"
        << "  ways out: restore the file, or `migrate downgrade` off it (using the copy stored in the journal)\n";
}

util::Json partial_json(const PartialRevision& p) {
  const auto& e = p;
  util::Json statements = util::Json::array();
  for (const auto& s : p.statements) {
    util::Json o = util::Json::object();
    o.set("number", s.number).set("line", s.line).set("text", s.text).set("state", s.state);
    if (s.state == "done" || s.state == "may have run") {
      util::Json c = util::Json::object();
      c.set("object", s.object.empty() ? util::Json() : util::Json(s.object))
          .set("expected", s.object.empty() ? util::Json() : util::Json(s.expect_present ? "present" : "absent"))
          .set("actual", s.catalog);
      o.set("catalog", std::move(c));
    }
    statements.push(std::move(o));
  }
  util::Json o = util::Json::object();
  o.set("revision", e.revision)
      .set("direction", e.direction)
      .set("status", e.status)
      .set("statements_done", p.statements_done)
      .set("statements_total", e.statements_total)
      .set("error", p.error)
      .set("started_at", e.started_at)
      .set("command", e.command)
      .set("db_user", e.db_user)
      .set("os_user", e.os_user)
      .set("host", e.host)
      .set("file", e.file)
      .set("statements", std::move(statements));
  return o;
}

util::Json report_json(const RepairReport& r) {
  util::Json partial = util::Json::array();
  for (const auto& p : r.partial) partial.push(partial_json(p));
  util::Json mismatches = util::Json::array();
  for (const auto& m : r.checksum_mismatches) {
    util::Json o = util::Json::object();
    o.set("revision", m.revision)
        .set("file", m.file)
        .set("recorded_at", m.recorded_at)
        .set("recorded_checksum", m.recorded_checksum)
        .set("file_checksum", m.file_checksum)
        .set("diff", m.diff);
    mismatches.push(std::move(o));
  }
  util::Json missing = util::Json::array();
  for (const auto& id : r.missing_files) missing.push(util::Json(id));
  util::Json doc = util::Json::object();
  doc.set("needs_repair", std::move(partial))
      .set("checksum_mismatches", std::move(mismatches))
      .set("missing_files", std::move(missing))
      .set("clean", r.clean());
  return doc;
}

util::Json outcome_json(const RepairOutcome& o, const std::string& reason) {
  util::Json ops = util::Json::array();
  for (const auto& op : o.ops) ops.push(op_json(op));
  util::Json before = util::Json::array(), after = util::Json::array();
  for (const auto& h : o.heads_before) before.push(util::Json(h));
  for (const auto& h : o.heads_after) after.push(util::Json(h));
  util::Json doc = util::Json::object();
  doc.set("action", to_string(o.action))
      .set("revision", o.revision)
      .set("reason", reason)
      .set("heads_before", std::move(before))
      .set("heads_after", std::move(after))
      .set("version_table_ops", std::move(ops))
      .set("statements_run", o.statements_run)
      .set("journal_id", o.journal_id)
      .set("summary", o.summary);
  return doc;
}

}  // namespace

int repair(const Context& ctx, const RepairOptions& opts) {
  if (opts.schema) return repair_schema(ctx, opts);
  if (opts.sql || opts.allow_destructive || !opts.scratch_url.empty())
    throw Error(ErrorKind::usage, "--sql, --allow-destructive and --scratch-url go with `repair --schema`");
  auto action = chosen_action(opts);
  auto migrator = make_migrator(ctx);
  if (action.empty()) {
    auto report = migrator.repair_report();
    if (ctx.format == Format::json)
      *ctx.out << report_json(report).dump() << "\n";
    else
      print_text(*ctx.out, report);
    return report.clean() ? 0 : k_needs_repair_status;
  }
  RepairOutcome outcome;
  if (action == "--resume") outcome = migrator.repair(RepairAction::resume, "", opts.reason, in_doubt(opts));
  else if (action == "--mark-applied") outcome = migrator.repair(RepairAction::mark_applied, opts.mark_applied, opts.reason);
  else if (action == "--mark-reverted")
    outcome = migrator.repair(RepairAction::mark_reverted, opts.mark_reverted, opts.reason);
  else outcome = migrator.repair(RepairAction::accept_checksum, opts.accept_checksum, opts.reason);
  if (ctx.format == Format::json)
    *ctx.out << outcome_json(outcome, opts.reason).dump() << "\n";
  else
    *ctx.out << outcome.summary << (opts.reason.empty() ? "" : "; reason recorded in the journal: " + opts.reason)
             << "\n";
  return 0;
}

}  // namespace migrate::commands
