// `lint`: the revision files checked by the lint rules, without a database. Text prints
// `FILE:LINE:COL: error|warning RULE-ID: message` and a hint line per finding, then a
// summary; `--format github` prints workflow annotations; `--format json` one document.
// Exit 1 when an error-level finding remains.
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

void print_text(const Context& ctx, const api::LintReport& report) {
  for (const auto& f : report.findings) {
    *ctx.out << f.file << ":" << f.line << ":" << f.column << ": " << lint::to_string(f.severity) << " " << f.rule
             << ": " << f.message << "\n";
    if (!f.hint.empty()) *ctx.out << "  hint: " << f.hint << "\n";
  }
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
    *ctx.out << "::" << lint::to_string(f.severity) << " file=" << github_property(f.file) << ",line=" << f.line
             << ",col=" << f.column << ",title=" << github_property(f.rule)
             << "::" << github_message(f.message + (f.hint.empty() ? "" : "\nhint: " + f.hint)) << "\n";
  }
  *ctx.out << "lint: " << plural(report.errors, "error") << ", " << plural(report.warnings, "warning") << " in "
           << plural(static_cast<long long>(report.files), "revision file") << "\n";
}

util::Json report_json(const api::LintReport& report) {
  util::Json findings = util::Json::array();
  for (const auto& f : report.findings) {
    util::Json item = util::Json::object();
    item.set("rule", f.rule).set("severity", std::string(lint::to_string(f.severity))).set("revision", f.revision);
    item.set("file", f.file).set("line", static_cast<long long>(f.line)).set("column", static_cast<long long>(f.column));
    item.set("message", f.message).set("hint", f.hint);
    findings.push(std::move(item));
  }
  util::Json doc = util::Json::object();
  doc.set("findings", std::move(findings)).set("errors", report.errors).set("warnings", report.warnings);
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
  const auto report = api::lint_project(config::load(ctx.overrides), {.range = opts.range, .since = opts.since});
  if (ctx.format == Format::json)
    *ctx.out << report_json(report).dump() << "\n";
  else if (ctx.format_name == "github")
    print_github(ctx, report);
  else
    print_text(ctx, report);
  return report.errors > 0 ? 1 : 0;
}

}  // namespace migrate::commands
