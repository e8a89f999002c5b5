#include "lint/lint.hpp"

#include <algorithm>
#include <tuple>

#include "util/strings.hpp"

namespace migrate::lint {

namespace {

constexpr std::string_view k_ignore_marker = "migrate:lint-ignore";

/// A `-- migrate:lint-ignore RULE-ID[,RULE-ID...] reason` comment: it silences the named
/// rules' findings on the statement that starts on `target_line` (the first line after it
/// that is not itself an ignore comment, so several may stand one above the other).
struct IgnoreComment {
  int line = 0;
  int column = 0;
  int target_line = 0;
  std::vector<std::string> rules;
  std::string reason;
  std::vector<bool> used;  ///< per rule: it silenced a finding
};

bool is_blank(char c) { return c == ' ' || c == '\t'; }

/// The rule ids at the start of `rest` ("a,b", "a, b"), advancing `i` past them.
std::vector<std::string> read_rule_ids(std::string_view rest, std::size_t& i) {
  std::vector<std::string> ids;
  for (;;) {
    const std::size_t start = i;
    while (i < rest.size() && !is_blank(rest[i]) && rest[i] != ',') ++i;
    if (i > start) ids.emplace_back(rest.substr(start, i - start));
    std::size_t after = i;
    while (after < rest.size() && is_blank(rest[after])) ++after;
    if (after < rest.size() && rest[after] == ',') {
      i = after + 1;
      while (i < rest.size() && is_blank(rest[i])) ++i;
      continue;
    }
    return ids;
  }
}

/// The ignore comment on `line` (file line `line_no`), or nullopt.
std::optional<IgnoreComment> ignore_comment_of(std::string_view line, int line_no) {
  const std::size_t dashes = line.find_first_not_of(" \t");
  if (dashes == std::string_view::npos || line.substr(dashes, 2) != "--") return std::nullopt;
  std::size_t i = dashes + 2;
  while (i < line.size() && is_blank(line[i])) ++i;
  if (line.substr(i, k_ignore_marker.size()) != k_ignore_marker) return std::nullopt;
  i += k_ignore_marker.size();
  if (i < line.size() && !is_blank(line[i])) return std::nullopt;  // `migrate:lint-ignored`
  while (i < line.size() && is_blank(line[i])) ++i;
  IgnoreComment comment;
  comment.line = line_no;
  comment.column = static_cast<int>(dashes) + 1;
  comment.rules = read_rule_ids(line, i);
  comment.reason = std::string(util::trim(line.substr(std::min(i, line.size()))));
  comment.used.assign(comment.rules.size(), false);
  return comment;
}

/// The file's lines, without their line ends.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

/// The file lines (1-based, both ends included) that lint reads: before the header, and the
/// sections that apply to the dialect. Ignore comments elsewhere concern another dialect.
std::vector<std::pair<int, int>> linted_lines(const script::RevisionFile& file, Dialect dialect) {
  std::vector<std::pair<int, int>> ranges{{1, file.header_line}};
  for (const auto* section : {file.upgrade_for(dialect), file.downgrade_for(dialect)}) {
    if (section == nullptr) continue;
    const auto newlines = std::count(section->sql.begin(), section->sql.end(), '\n');
    ranges.emplace_back(section->first_line, section->first_line + static_cast<int>(newlines));
  }
  return ranges;
}

std::vector<IgnoreComment> ignore_comments(const Input& input, Dialect dialect) {
  const auto lines = lines_of(input.text);
  std::vector<IgnoreComment> out;
  for (const auto& [first, last] : linted_lines(*input.file, dialect)) {
    for (int n = first; n <= last && n <= static_cast<int>(lines.size()); ++n) {
      auto comment = ignore_comment_of(lines[static_cast<std::size_t>(n - 1)], n);
      if (!comment) continue;
      comment->target_line = n + 1;
      while (comment->target_line <= static_cast<int>(lines.size()) &&
             ignore_comment_of(lines[static_cast<std::size_t>(comment->target_line - 1)], comment->target_line))
        ++comment->target_line;
      out.push_back(std::move(*comment));
    }
  }
  return out;
}

/// True when an ignore comment silences `finding` (marking the comment's rule used).
bool silenced(const Finding& finding, std::vector<IgnoreComment>& comments) {
  for (auto& comment : comments) {
    if (comment.target_line != finding.line) continue;
    for (std::size_t i = 0; i < comment.rules.size(); ++i) {
      if (comment.rules[i] != finding.rule) continue;
      comment.used[i] = true;
      return true;
    }
  }
  return false;
}

/// A rule for the other dialect, named in a section both dialects run: it is used there.
bool concerns_other_dialect(std::string_view rule, Dialect dialect) {
  const RuleInfo* info = find_rule(rule);
  return info != nullptr && info->dialect != "both" && info->dialect != to_string(dialect);
}

/// The findings about the ignore comments themselves: no reason, or silencing nothing.
void report_ignore_problems(const std::vector<IgnoreComment>& comments, const Finding& base, Dialect dialect,
                            std::vector<Finding>& out) {
  auto add = [&](const IgnoreComment& comment, std::string rule, std::string message, std::string hint) {
    Finding finding = base;
    finding.rule = std::move(rule), finding.line = comment.line, finding.column = comment.column;
    finding.message = std::move(message), finding.hint = std::move(hint);
    out.push_back(std::move(finding));
  };
  for (const auto& comment : comments) {
    if (comment.rules.empty())
      add(comment, "unused-lint-ignore", "this lint-ignore comment names no rule",
          "write `-- migrate:lint-ignore RULE-ID reason`; `migrate lint --list-rules` lists the rule ids");
    else if (comment.reason.empty())
      add(comment, "lint-ignore-without-reason", "this lint-ignore comment gives no reason",
          "say why the finding does not apply: `-- migrate:lint-ignore RULE-ID the table is empty in every "
          "environment`");
    for (std::size_t i = 0; i < comment.rules.size(); ++i) {
      const auto& rule = comment.rules[i];
      if (comment.used[i] || concerns_other_dialect(rule, dialect)) continue;
      if (find_rule(rule) == nullptr)
        add(comment, "unused-lint-ignore", "lint-ignore names `" + rule + "`, which is no lint rule",
            "`migrate lint --list-rules` lists the rule ids");
      else
        add(comment, "unused-lint-ignore", "lint-ignore " + rule + " silences nothing on the next statement",
            "remove the comment, or move it to the line directly before the statement it is about");
    }
  }
}

Severity severity_of(std::string_view rule, const Settings& settings) {
  if (auto it = settings.severities.find(std::string(rule)); it != settings.severities.end()) return it->second;
  const RuleInfo* info = find_rule(rule);
  return info ? info->default_severity : Severity::error;
}

void report_parse_errors(const RevisionContext& context, const Report& report) {
  for (const auto* section : {&context.upgrade, &context.downgrade})
    for (const auto& statement : *section)
      if (statement.kind == StatementFacts::Kind::unparsed)
        report(&statement, "parse-error",
               "the " + std::string(to_string(context.dialect)) + " parser refuses this statement: " + statement.error,
               "fix the statement: the database would refuse it too");
}

/// The rules' findings for one file, before ignore comments and severities.
std::vector<Finding> rule_findings(const RevisionContext& context, const Finding& base) {
  std::vector<Finding> found;
  Report report = [&](const StatementFacts* statement, std::string_view rule, std::string message, std::string hint) {
    Finding finding = base;
    finding.rule = std::string(rule);
    finding.line = statement ? statement->line : context.header_line;
    finding.column = statement ? statement->column : 1;
    finding.message = std::move(message);
    finding.hint = std::move(hint);
    found.push_back(std::move(finding));
  };
  report_parse_errors(context, report);
  check_common_rules(context, report);
  if (context.dialect == Dialect::postgresql)
    check_postgres_rules(context, report);
  else
    check_sqlite_rules(context, report);
  return found;
}

void lint_file(const Input& input, const Settings& settings, std::vector<Finding>& out) {
  const auto context = make_context(*input.file, settings.dialect, settings.config_lock_timeout);
  Finding base;
  base.revision = context.revision;
  base.file = input.display_path;
  auto comments = ignore_comments(input, settings.dialect);
  std::vector<Finding> kept;
  for (auto& finding : rule_findings(context, base))
    if (!silenced(finding, comments)) kept.push_back(std::move(finding));
  report_ignore_problems(comments, base, settings.dialect, kept);
  for (auto& finding : kept) {
    finding.severity = severity_of(finding.rule, settings);
    if (finding.severity != Severity::off) out.push_back(std::move(finding));
  }
}

}  // namespace

std::optional<Severity> parse_severity(std::string_view text) {
  if (text == "error") return Severity::error;
  if (text == "warning") return Severity::warning;
  if (text == "off") return Severity::off;
  return std::nullopt;
}

const RuleInfo* find_rule(std::string_view id) {
  const auto& rules = all_rules();
  auto it = std::find_if(rules.begin(), rules.end(), [&](const RuleInfo& rule) { return rule.id == id; });
  return it == rules.end() ? nullptr : &*it;
}

RevisionContext make_context(const script::RevisionFile& file, Dialect dialect, bool config_lock_timeout) {
  RevisionContext context;
  context.revision = file.id;
  context.file = file.path.string();
  context.dialect = dialect;
  context.transactional = file.transactional;
  context.lock_timeout_configured = config_lock_timeout || file.lock_timeout.has_value();
  context.has_downgrade = !file.is_irreversible();
  const std::string own(to_string(dialect));
  if (const auto* upgrade = file.upgrade_for(dialect))
    context.upgrade = statement_facts(upgrade->sql, dialect, upgrade->first_line);
  if (const auto* downgrade = file.downgrade_for(dialect)) {
    context.downgrade = statement_facts(downgrade->sql, dialect, downgrade->first_line);
    context.downgrade_line = downgrade->first_line - 1;
  }
  context.upgrade_is_dialect_specific = file.has_upgrade_section(own);
  context.downgrade_is_dialect_specific = file.has_downgrade_section(own);
  context.header_line = file.header_line;
  return context;
}

std::vector<Finding> lint(const std::vector<Input>& inputs, const Settings& settings) {
  std::vector<Finding> findings;
  for (const auto& input : inputs) lint_file(input, settings, findings);
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  return findings;
}

}  // namespace migrate::lint
