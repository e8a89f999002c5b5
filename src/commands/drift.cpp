// `drift`: the live schema against the schema its version-table heads should have (replayed
// on a scratch database); `--identify` also names the revision it really matches and how the
// version table came to say what it says. Exit 0 when clean, 1 on drift.
#include <migrate/migrator.hpp>

#include <ostream>

#include "commands/commands.hpp"
#include "commands/source.hpp"

namespace migrate::commands {
namespace {

std::string state_name(const std::vector<std::string>& heads) { return join_ids(heads, "base"); }

util::Json drift_json(const DriftReport& r) {
  util::Json uncompared = util::Json::array();
  for (const auto& u : r.not_compared) {
    util::Json item = util::Json::object();
    item.set("kind", u.kind).set("name", u.name).set("why", u.why);
    uncompared.push(std::move(item));
  }
  util::Json doc = util::Json::object();
  doc.set("clean", r.clean)
      .set("heads", util::Json::strings(r.heads))
      .set("differences", schema_differences_json(r.differences))
      .set("not_compared", std::move(uncompared))
      .set("scratch", r.scratch);
  if (!r.identified) return doc;
  util::Json identified = util::Json::object();
  identified.set("heads", util::Json::strings(r.identified->heads))
      .set("exact", r.identified->exact)
      .set("contained", r.identified->exact ? util::Json() : util::Json::strings(r.identified->contained))
      .set("partly_applied", r.identified->partly_applied.empty() ? util::Json()
                                                                  : util::Json::strings(r.identified->partly_applied))
      .set("partly_missing", schema_differences_json(r.identified->partly_missing))
      .set("differences", static_cast<long long>(r.identified->differences.size()))
      .set("difference_list", schema_differences_json(r.identified->differences));
  util::Json set_by = util::Json::array();
  for (const auto& row : r.how_heads_were_set) set_by.push(journal_record_json(row));
  doc.set("identified", std::move(identified)).set("set_by", std::move(set_by));
  return doc;
}

/// `stamp c5 on 2026-12-06T10:00:00Z by root@host, reason: ...`
std::string journal_line(const JournalRecord& row) {
  std::string text = row.direction + " " + (row.revision.empty() ? "base" : row.revision) + " on " + row.started_at +
                     " by " + who_text(row.db_user, row.os_user, row.host);
  if (!row.reason.empty()) text += ", reason: " + row.reason;
  return text;
}

void print_identified(std::ostream& out, const DriftReport& r) {
  const auto& id = *r.identified;
  out << "The version table says: " << state_name(r.heads) << "\n";
  for (const auto& row : r.how_heads_were_set) out << "  set by " << journal_line(row) << "\n";
  if (r.how_heads_were_set.empty() && !r.heads.empty()) out << "  (no journal row records how)\n";
  if (id.exact) {
    out << "The live schema matches: " << state_name(id.heads) << " (exactly)\n";
  } else {
    if (!id.contained.empty()) out << "Everything " << state_name(id.contained) << " builds is in the live schema.\n";
    if (!id.partly_applied.empty()) {
      out << "Only part of " << state_name(id.partly_applied) << " is; missing or different:\n";
      for (const auto& d : id.partly_missing) out << "  " << d.text << "\n";
    }
    out << "The live schema is closest to: " << state_name(id.heads) << " (" << id.differences.size()
        << " difference(s)):\n";
    for (const auto& d : id.differences) out << "  " << d.text << "\n";
  }
  out << "\n";
}

void print_drift(std::ostream& out, const DriftReport& r) {
  if (r.identified) print_identified(out, r);
  out << "Compared with " << state_name(r.heads) << " (replayed on " << r.scratch << "):\n";
  for (const auto& d : r.differences) out << d.text << "\n";
  for (const auto& u : r.not_compared)
    out << "not compared " << u.kind << " " << u.name << (u.why.empty() ? "" : " (" + u.why + ")") << "\n";
  if (r.clean) {
    out << "No drift: the live schema is what " << state_name(r.heads) << " builds.\n";
    return;
  }
  out << "Drift: " << r.differences.size() << " difference(s)";
  if (!r.not_compared.empty()) out << ", " << r.not_compared.size() << " object(s) not compared";
  out << ".\n";
}

}  // namespace

int drift(const Context& ctx, const DriftOptions& opts) {
  refuse_fleet_flags_alone(opts.fleet);
  if (!opts.fleet.targets.empty()) {
    if (opts.identify)
      throw Error(ErrorKind::usage, "drift --identify runs on one database, not on --targets",
                  "run `migrate drift --identify` with the URL of the target in question");
    FleetRequest request{FleetCommand::drift, "", opts.fleet};
    request.scratch_url = opts.scratch_url;
    return fleet(ctx, request);
  }
  auto migrator = make_migrator(ctx);
  migrate::DriftOptions options;
  options.identify = opts.identify;
  options.scratch_url = opts.scratch_url;
  auto report = migrator.drift(options);
  if (ctx.format == Format::json)
    *ctx.out << drift_json(report).dump() << "\n";
  else
    print_drift(*ctx.out, report);
  return report.clean ? 0 : 1;
}

}  // namespace migrate::commands
