// `lint`: the revision files checked by the lint rules, without a database. Text prints
// `FILE:LINE:COL: error|warning RULE-ID: message` and a hint line per finding, then a
// summary; `--format github` prints workflow annotations; `--format json` one document.
// Exit 1 when an error-level finding remains.
#include <cmath>
#include <ostream>

#include "api/lint.hpp"
#include "commands/commands.hpp"
#include "lint/rules.hpp"
#include "util/strings.hpp"

namespace migrate::commands {
namespace {

std::string plural(long long n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

/// A GitHub workflow command's message: %, CR and LF escaped.
std::string github_message(const std::string& text) {
  return util::replace_all(util::replace_all(util::replace_all(text, "%", "%25"), "\r", "%0D"), "\n", "%0A");
}

/// A workflow command's property value: also ':' and ','.
std::string github_property(const std::string& text) {
  return util::replace_all(util::replace_all(github_message(text), ":", "%3A"), ",", "%2C");
}

const char* to_string(lint::Finding::Evidence evidence) {
  switch (evidence) {
    case lint::Finding::Evidence::confirmed: return "confirmed";
    case lint::Finding::Evidence::cleared: return "cleared";
    case lint::Finding::Evidence::guessed: break;
  }
  return "guessed";
}

/// " [confirmed: SHARE on public.users; 3 ms]" after a rehearsed finding; "" otherwise.
std::string evidence_suffix(const lint::Finding& f) {
  if (f.measured.empty() && f.evidence == lint::Finding::Evidence::guessed) return "";
  return std::string(" [") + to_string(f.evidence) + (f.measured.empty() ? "" : ": " + f.measured) + "]";
}

/// What --rehearse measured, one block per revision, one line per statement.
void print_rehearsals(const Context& ctx, const std::vector<lint::RevisionRehearsal>& rehearsals) {
  for (const auto& r : rehearsals) {
    *ctx.out << "rehearsed " << r.revision << " (" << r.file << "; "
             << (r.transactional ? "one transaction, rolled back" : "each statement on its own")
             << "; lock_timeout " << r.lock_timeout << "):\n";
    if (!r.error.empty()) *ctx.out << "  not rehearsed: " << r.error << "\n";
    for (const auto& statement : r.statements)
      *ctx.out << "  " << statement.line << ": " << lint::summary(statement) << "\n";
  }
}

void print_text(const Context& ctx, const api::LintReport& report) {
  for (const auto& f : report.findings) {
    *ctx.out << f.file << ":" << f.line << ":" << f.column << ": " << lint::to_string(f.severity) << " " << f.rule
             << ": " << f.message << evidence_suffix(f) << "\n";
    if (!f.hint.empty()) *ctx.out << "  hint: " << f.hint << "\n";
  }
  print_rehearsals(ctx, report.rehearsals);
  const std::string where = plural(static_cast<long long>(report.files), "revision file") + " (" +
                            std::string(to_string(report.dialect)) + ")";
  if (report.findings.empty())
    *ctx.out << "lint: no problems in " << where << "\n";
  else
    *ctx.out << "lint: " << plural(report.errors, "error") << ", " << plural(report.warnings, "warning") << " in "
             << where << "\n";
}

void print_github(const Context& ctx, const api::LintReport& report) {
  for (const auto& f : report.findings) {
    if (f.evidence == lint::Finding::Evidence::cleared) continue;  // measured harmless
    *ctx.out << "::" << lint::to_string(f.severity) << " file=" << github_property(f.file) << ",line=" << f.line
             << ",col=" << f.column << ",title=" << github_property(f.rule)
             << "::" << github_message(f.message + evidence_suffix(f) + (f.hint.empty() ? "" : "\nhint: " + f.hint)) << "\n";
  }
  *ctx.out << "lint: " << plural(report.errors, "error") << ", " << plural(report.warnings, "warning") << " in "
           << plural(static_cast<long long>(report.files), "revision file") << "\n";
}

util::Json statement_json(const lint::RehearsedStatement& s) {
  util::Json locks = util::Json::array();
  for (const auto& lock : s.locks) {
    util::Json item = util::Json::object();
    item.set("relation", lock.relation).set("mode", std::string(lint::to_string(lock.mode)));
    locks.push(std::move(item));
  }
  util::Json rewritten = util::Json::array();
  for (const auto& table : s.rewritten) rewritten.push(table);
  util::Json item = util::Json::object();
  item.set("line", static_cast<long long>(s.line)).set("column", static_cast<long long>(s.column)).set("text", s.text);
  item.set("ran", s.ran).set("error", s.error).set("sqlstate", s.sqlstate).set("locks_observed", s.locks_observed);
  item.set("locks", std::move(locks)).set("rewritten", std::move(rewritten)).set("duration_ms", static_cast<long long>(std::llround(s.duration_ms)));
  return item;
}

util::Json rehearsals_json(const std::vector<lint::RevisionRehearsal>& rehearsals) {
  util::Json out = util::Json::array();
  for (const auto& r : rehearsals) {
    util::Json statements = util::Json::array();
    for (const auto& s : r.statements) statements.push(statement_json(s));
    util::Json item = util::Json::object();
    item.set("revision", r.revision).set("file", r.file).set("transactional", r.transactional);
    item.set("lock_timeout", r.lock_timeout).set("error", r.error).set("statements", std::move(statements));
    out.push(std::move(item));
  }
  return out;
}

util::Json report_json(const api::LintReport& report) {
  util::Json findings = util::Json::array();
  for (const auto& f : report.findings) {
    util::Json item = util::Json::object();
    item.set("rule", f.rule).set("severity", std::string(lint::to_string(f.severity))).set("revision", f.revision);
    item.set("file", f.file).set("line", static_cast<long long>(f.line)).set("column", static_cast<long long>(f.column));
    item.set("message", f.message).set("hint", f.hint);
    item.set("evidence", std::string(to_string(f.evidence))).set("measured", f.measured);
    findings.push(std::move(item));
  }
  util::Json doc = util::Json::object();
  doc.set("findings", std::move(findings)).set("errors", report.errors).set("warnings", report.warnings);
  if (!report.rehearsals.empty()) doc.set("rehearsal", rehearsals_json(report.rehearsals));
  return doc;
}

int list_rules(const Context& ctx) {
  if (ctx.format == Format::json) {
    util::Json rules = util::Json::array();
    for (const auto& rule : lint::all_rules()) {
      util::Json item = util::Json::object();
      item.set("id", rule.id).set("dialect", rule.dialect).set("severity", lint::to_string(rule.default_severity))
          .set("summary", rule.summary);
      rules.push(std::move(item));
    }
    util::Json doc = util::Json::object();
    doc.set("rules", std::move(rules));
    *ctx.out << doc.dump() << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> rows{{"RULE", "DIALECT", "DEFAULT", "WHAT IT PREVENTS"}};
  for (const auto& rule : lint::all_rules())
    rows.push_back({std::string(rule.id), std::string(rule.dialect), lint::to_string(rule.default_severity),
                    std::string(rule.summary)});
  for (const auto& line : aligned(rows)) *ctx.out << line << "\n";
  return 0;
}

}  // namespace

int lint(const Context& ctx, const LintOptions& opts) {
  if (opts.list_rules) return list_rules(ctx);
  const auto report = api::lint_project(config::load(ctx.overrides), {.range = opts.range,
                                                                       .since = opts.since,
                                                                       .rehearse = opts.rehearse,
                                                                       .scratch_url = opts.scratch_url,
                                                                       .stop = ctx.stop});
  if (ctx.format == Format::json)
    *ctx.out << report_json(report).dump() << "\n";
  else if (ctx.format_name == "github")
    print_github(ctx, report);
  else
    print_text(ctx, report);
  return report.errors > 0 ? 1 : 0;
}

}  // namespace migrate::commands
