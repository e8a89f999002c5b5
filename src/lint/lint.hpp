#pragma once
/// The lint engine: revision files in, findings out. For each file it builds the
/// RevisionContext the rules read (the sections that apply to the dialect, the transaction
/// mode, whether a lock_timeout applies), runs the common rules and the dialect's rules,
/// reports statements the parser refused (`parse-error`), applies the
/// `-- migrate:lint-ignore RULE-ID[,RULE-ID...] reason` comments and the configured
/// severities, and orders the findings by file, line and column. Reads no file and no
/// database: the caller hands in each file's text.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dialect.hpp"
#include "lint/finding.hpp"
#include "lint/rules.hpp"
#include "script/revision_file.hpp"

namespace migrate::lint {

struct Settings {
  Dialect dialect = Dialect::sqlite;
  /// migrate.toml sets a `lock_timeout` for every revision.
  bool config_lock_timeout = false;
  /// `[lint]` of migrate.toml: rule id → severity (Severity::off drops the rule's findings).
  std::map<std::string, Severity> severities;
};

/// One revision file to lint.
struct Input {
  const script::RevisionFile* file = nullptr;
  std::string text;          ///< the file's content (the ignore comments are read from it)
  std::string display_path;  ///< the path findings name
};

/// "error", "warning" or "off"; nullopt for anything else.
std::optional<Severity> parse_severity(std::string_view text);

/// The catalog row of `id` (lint/rules.hpp all_rules), or nullptr.
const RuleInfo* find_rule(std::string_view id);

/// The context the rules read for `file` run on `dialect`.
RevisionContext make_context(const script::RevisionFile& file, Dialect dialect, bool config_lock_timeout);

/// Every finding of every input that is not off, ordered by file, line, column.
std::vector<Finding> lint(const std::vector<Input>& inputs, const Settings& settings);

}  // namespace migrate::lint
