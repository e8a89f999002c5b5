#pragma once
/// The lint rules. Each rule reads one revision's statement facts (lint/facts.hpp) in the
/// context the runner will run them in, and reports findings; none reads SQL text or a
/// database. The engine (lint/lint.hpp) builds the context, applies `[lint]` severities and
/// `-- migrate:lint-ignore` comments, and orders the findings.

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/dialect.hpp"
#include "lint/facts.hpp"
#include "lint/finding.hpp"

namespace migrate::lint {

/// One revision as the runner will run it on one dialect.
struct RevisionContext {
  std::string revision;  ///< id
  std::string file;      ///< path for messages
  Dialect dialect = Dialect::sqlite;
  bool transactional = true;  ///< false: `transactional: false` in the header (each statement on its own)
  /// A `lock_timeout` applies to this revision's statements: declared in its header or in
  /// migrate.toml. (A `SET lock_timeout` statement in the body is seen by the rules themselves.)
  bool lock_timeout_configured = false;
  bool has_downgrade = true;               ///< any downgrade section at all
  std::vector<StatementFacts> upgrade;     ///< the section that applies to `dialect` (own, else generic)
  std::vector<StatementFacts> downgrade;   ///< idem; empty when there is none
  bool upgrade_is_dialect_specific = false;    ///< the upgrade came from a `-- migrate:upgrade <dialect>` section
  bool downgrade_is_dialect_specific = false;  ///< the downgrade came from a dialect section
  int header_line = 1;  ///< line of `-- migrate:revision`, for findings about the whole file
  int downgrade_line = 0;  ///< line of the downgrade marker applying to `dialect` (0: none)
};

/// Tables (normalized names, as in StatementFacts::table) that `context.upgrade` creates
/// before statement number `index`: an index on, or a change to, such a table locks nothing
/// anyone else is using.
std::set<std::string> tables_created_before(const RevisionContext& context, std::size_t index);

/// Reports one finding for a statement (or, with statement == nullptr, the whole file).
/// The engine fills in revision, file, severity and position.
using Report = std::function<void(const StatementFacts* statement, std::string_view rule, std::string message,
                                  std::string hint)>;

/// The rules for PostgreSQL revisions (lint/rules_postgres.cpp).
void check_postgres_rules(const RevisionContext& context, const Report& report);
/// The rules for SQLite revisions (lint/rules_sqlite.cpp).
void check_sqlite_rules(const RevisionContext& context, const Report& report);
/// The rules for both dialects: irreversible, downgrade-incomplete, dialect-section-missing
/// (lint/rules_common.cpp).
void check_common_rules(const RevisionContext& context, const Report& report);

/// Every rule: id, dialect ("postgresql", "sqlite" or "both"), default severity, and one line
/// on what it prevents, for `lint --list-rules`, `[lint]` validation and the docs.
struct RuleInfo {
  std::string_view id;
  std::string_view dialect;
  Severity default_severity;
  std::string_view summary;
};
const std::vector<RuleInfo>& all_rules();

}  // namespace migrate::lint
