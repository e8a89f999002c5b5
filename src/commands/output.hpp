#pragma once
/// How commands present results: Alembic's text formats or JSON documents with stable
/// field names. Stdout carries only the result; logs and
/// progress go to stderr through spdlog.

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <migrate/types.hpp>

#include "graph/revision_map.hpp"
#include "script/revision_file.hpp"
#include "util/json.hpp"

namespace migrate::commands {

enum class Format { text, json };

/// Which parts of Alembic's short entry (`Script._head_only`) to show.
struct EntryStyle {
  bool include_branches = false;
  bool include_doc = false;
  bool include_parents = false;
  bool tree_indicators = true;
  bool head_indicators = true;
};

/// `<parents> -> <rev> (labels) (head) (current) (branchpoint), <message>` per style.
std::string short_entry(const graph::Revision& rev, const script::RevisionFile& file,
                        const EntryStyle& style, bool is_current);

/// Alembic's verbose `log_entry`: `Rev: ...`, `Parent:`/`Merges:`, `Also depends on:`,
/// `Branches into:`, `Branch names:`, `Path:`, blank line, message indented by 4.
std::string log_entry(const graph::RevisionMap& map, const graph::Revision& rev, const script::RevisionFile& file,
                      bool is_current);

/// The contract's revision object R.
util::Json revision_json(const graph::Revision& rev, const script::RevisionFile& file,
                         std::optional<bool> is_current);

/// `["insert", rev]`, `["update", from, to]` or `["delete", rev]`.
util::Json op_json(const VersionOp& op);

/// One step of a plan: `{"revision", "direction", "version_table_ops"}`, with
/// `duration_ms` when it ran.
util::Json step_json(const PlanStep& step);

/// The upgrade/downgrade/stamp document; steps carry `duration_ms` when they ran.
util::Json plan_json(const RunResult& result);

/// An error as the JSON documents carry it: `{"kind", "message", "hint"}`, plus
/// `revision`, `file`, `line`, `statement` and `sqlstate` where they apply.
util::Json error_json(const Error& e);

/// Human-readable plan for `--plan` (one line per step with its row changes).
std::string plan_text(const RunResult& result);

/// Who ran a journal row: `db_user (os_user@host)`, or `os_user@host` when the database
/// has no user names (SQLite); `?` for an unknown OS user.
std::string who_text(const std::string& db_user, const std::string& os_user, const std::string& host);

/// A schema difference as `drift` and `repair --schema` list it: change, kind, object,
/// attribute (null unless changed), expected, actual.
util::Json schema_difference_json(const SchemaDifference& d);
util::Json schema_differences_json(const std::vector<SchemaDifference>& differences);

/// One journal row as `migrate log --format json` lists it.
util::Json journal_record_json(const JournalRecord& e);

/// `27 ms`, `4.2 s`, `12 min 5 s`; "" for nullopt.
std::string duration_text(std::optional<long long> ms);

/// Rows of cells as lines (without their newline) whose columns line up, two spaces apart;
/// the last cell of a line is not padded, and no line ends in blanks.
std::vector<std::string> aligned(const std::vector<std::vector<std::string>>& rows);

/// `a, b` or `<base>`-style joins.
std::string join_ids(const std::vector<std::string>& ids, const std::string& empty = "");

}  // namespace migrate::commands
