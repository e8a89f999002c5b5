// `test`: the stairway test on a scratch database (api/stairway.hpp). One line per revision
// tested, then a summary; exit 0 when every revision went up, down and up again and the
// schema came back to where it started, 1 naming the first broken revision with the phase
// and the schema differences (or the failing statement).
#include <algorithm>
#include <ostream>

#include "api/database.hpp"
#include "api/project.hpp"
#include "api/stairway.hpp"
#include "commands/commands.hpp"

namespace migrate::commands {
namespace {

using api::StairwayReport;

std::string message_of(const api::Project& project, const std::string& rev) {
  const auto* file = project.file(rev);
  return file ? file->message : "";
}

/// The failing statement's error, without its hint (about the scratch database's state).
util::Json failing_statement_json(const Error& e) {
  auto text = [](const std::string& s) { return s.empty() ? util::Json() : util::Json(s); };
  const auto& where = e.where();
  util::Json err = util::Json::object();
  err.set("kind", std::string(to_string(e.kind())))
      .set("message", std::string(e.what()))
      .set("revision", text(where.revision))
      .set("file", text(where.file))
      .set("line", where.line > 0 ? util::Json(where.line) : util::Json())
      .set("statement", text(where.statement))
      .set("sqlstate", text(where.sqlstate));
  return err;
}

util::Json failure_json(const StairwayReport& r) {
  if (!r.failure) return util::Json();
  const auto& f = *r.failure;
  util::Json doc = util::Json::object();
  doc.set("revision", f.revision.empty() ? util::Json() : util::Json(f.revision))
      .set("phase", api::to_string(f.phase))
      .set("message", api::describe(f.phase, r.from_base()))
      .set("differences", schema_differences_json(f.differences))
      .set("error", f.error ? failing_statement_json(*f.error) : util::Json());
  return doc;
}

/// The revision the failure names on its own line (not one that passed the stairway and
/// broke on the way down to the start).
bool failure_has_own_line(const StairwayReport& r) {
  return r.failure && !r.failure->revision.empty() && r.failure->phase != api::StairwayPhase::final_downgrade_fails;
}

util::Json report_json(const api::Project& project, const StairwayReport& r) {
  util::Json revisions = util::Json::array();
  auto add = [&](const std::string& rev, bool ok) {
    util::Json item = util::Json::object();
    item.set("revision", rev).set("message", message_of(project, rev)).set("ok", ok);
    revisions.push(std::move(item));
  };
  for (const auto& rev : r.passed) add(rev, true);
  if (failure_has_own_line(r)) add(r.failure->revision, false);
  const util::Json tested(static_cast<long long>(r.passed.size()));
  util::Json doc = util::Json::object();
  doc.set("ok", r.ok())
      .set("tested", tested)
      .set("revisions", std::move(revisions))
      .set("prepared", util::Json::strings(r.prepared))
      .set("failure", failure_json(r))
      .set("scratch", r.scratch);
  return doc;
}

/// Prints the text report as the test goes, so that a CI log shows how far a long run got:
/// `ok    <rev>  <message>` per revision that passed, `FAIL  <rev>  <message>` and what broke,
/// then a summary.
class TextReport {
 public:
  TextReport(std::ostream& out, const api::Project& project) : m_out(out), m_project(project) {
    for (const auto& rev : project.map().revisions()) m_width = std::max(m_width, rev.id.size());
  }

  /// The lines the report so far adds to what was printed.
  void progress(const StairwayReport& r) {
    if (!m_said_prepared && !r.prepared.empty())
      m_out << "Applied " << r.prepared.size() << " revision(s) below the range first (not tested).\n";
    m_said_prepared = m_said_prepared || !r.prepared.empty();
    for (; m_passed < r.passed.size(); ++m_passed) line("ok", r.passed[m_passed]);
    m_out.flush();
  }

  void finish(const StairwayReport& r) {
    progress(r);
    if (r.failure) return failure(r);
    m_out << "Stairway test passed: " << r.passed.size() << " revision(s) went up, down and up again; "
          << (r.from_base() ? "down to base, the schema is empty"
                            : "down to where the range starts, the schema is as it was")
          << ".\n";
  }

 private:
  void line(const std::string& status, const std::string& rev) {
    std::string text = status + std::string(6 - status.size(), ' ') + rev;
    const std::string message = message_of(m_project, rev);
    if (!message.empty()) text += std::string(m_width - rev.size() + 2, ' ') + message;
    m_out << text << "\n";
  }

  void failure(const StairwayReport& r) {
    const auto& f = *r.failure;
    const std::string what = api::describe(f.phase, r.from_base());
    if (!f.revision.empty()) line("FAIL", f.revision);
    m_out << "  " << what << (f.differences.empty() && !f.error ? "" : ":") << "\n";
    for (const auto& d : f.differences) m_out << "  " << d.text << "\n";
    // Not the error's hint: it speaks of the scratch database's state, which is dropped.
    if (f.error) m_out << "  " << f.error->what() << "\n";
    m_out << "Stairway test failed";
    if (!f.revision.empty()) m_out << " at " << f.revision;
    m_out << ": " << what;
    if (!f.differences.empty()) m_out << " (" << f.differences.size() << " difference(s))";
    m_out << ".\n";
  }

  std::ostream& m_out;
  const api::Project& m_project;
  std::size_t m_width = 0;  ///< of the longest revision id, so that the messages line up
  bool m_said_prepared = false;
  std::size_t m_passed = 0;  ///< passed revisions printed so far
};

}  // namespace

int stairway(const Context& ctx, const StairwayOptions& opts) {
  auto project = api::Project::load(config::load(ctx.overrides));
  // Only the backend kind and the server are used: a SQLite file that does not exist is not made.
  auto target = api::open_database(project.config(), backend::OpenMode::empty_if_missing);
  runtime::StopToken own;
  TextReport text(*ctx.out, project);
  api::StairwayOptions options{opts.scratch_url, opts.rev_range, {}};
  if (ctx.format == Format::text) options.progress = [&text](const StairwayReport& r) { text.progress(r); };
  auto report = api::stairway(project, *target, options, ctx.stop ? *ctx.stop : own);
  if (ctx.format == Format::json)
    *ctx.out << report_json(project, report).dump() << "\n";
  else
    text.finish(report);
  return report.ok() ? 0 : 1;
}

}  // namespace migrate::commands
