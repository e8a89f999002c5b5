#include "commands/output.hpp"

#include <algorithm>
#include <sstream>

namespace migrate::commands {

namespace {

std::string down_text(const graph::Revision& rev) {
  return rev.down_revisions.empty() ? "<base>" : join_ids(rev.down_revisions);
}

std::string op_text(const VersionOp& op) {
  using Kind = VersionOp::Kind;
  switch (op.kind) {
    case Kind::insert: return "insert " + op.to;
    case Kind::update: return "update " + op.from + " -> " + op.to;
    case Kind::remove: return "delete " + op.from;
  }
  return {};
}

}  // namespace

util::Json op_json(const VersionOp& op) {
  using Kind = VersionOp::Kind;
  switch (op.kind) {
    case Kind::insert: return util::Json(util::Json::Array{"insert", op.to});
    case Kind::update: return util::Json(util::Json::Array{"update", op.from, op.to});
    case Kind::remove: return util::Json(util::Json::Array{"delete", op.from});
  }
  return {};
}


std::string who_text(const std::string& db_user, const std::string& os_user, const std::string& host) {
  std::string os = os_user.empty() ? "?" : os_user;
  if (!host.empty()) os += "@" + host;
  return db_user.empty() ? os : db_user + " (" + os + ")";
}

std::string duration_text(std::optional<long long> ms) {
  if (!ms) return "";
  if (*ms < 1000) return std::to_string(*ms) + " ms";
  if (*ms < 60000) {
    long long tenths = (*ms + 50) / 100;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
  }
  long long seconds = (*ms + 500) / 1000;
  return std::to_string(seconds / 60) + " min " + std::to_string(seconds % 60) + " s";
}

std::vector<std::string> aligned(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (widths.size() <= i) widths.resize(i + 1, 0);
      widths[i] = std::max(widths[i], row[i].size());
    }
  std::vector<std::string> out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out.push_back(std::move(line));
  }
  return out;
}

std::string join_ids(const std::vector<std::string>& ids, const std::string& empty) {
  if (ids.empty()) return empty;
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ", ";
    out += ids[i];
  }
  return out;
}

std::string short_entry(const graph::Revision& rev, const script::RevisionFile& file,
                        const EntryStyle& style, bool is_current) {
  std::string text = rev.id;
  if (style.include_parents) {
    if (!rev.declared_depends_on.empty())
      text = down_text(rev) + " (" + join_ids(rev.declared_depends_on) + ") -> " + text;
    else
      text = down_text(rev) + " -> " + text;
  }
  if (style.include_branches && !rev.branch_labels.empty()) text += " (" + join_ids(rev.branch_labels) + ")";
  if (style.head_indicators || style.tree_indicators) {
    if (rev.is_real_head()) text += " (head)";
    if (rev.is_effective_head()) text += " (effective head)";
    if (is_current) text += " (current)";
  }
  if (style.tree_indicators) {
    if (rev.is_branch_point()) text += " (branchpoint)";
    if (rev.is_merge_point()) text += " (mergepoint)";
  }
  if (style.include_doc) text += ", " + file.message;
  return text;
}

std::string log_entry(const graph::RevisionMap& map, const graph::Revision& rev, const script::RevisionFile& file,
                      bool is_current) {
  std::ostringstream s;
  s << "Rev: " << rev.id << (rev.is_head() ? " (head)" : "") << (rev.is_branch_point() ? " (branchpoint)" : "")
    << (rev.is_merge_point() ? " (mergepoint)" : "") << (is_current ? " (current)" : "") << "\n";
  s << (rev.is_merge_point() ? "Merges: " : "Parent: ") << down_text(rev) << "\n";
  if (!rev.declared_depends_on.empty()) s << "Also depends on: " << join_ids(rev.declared_depends_on) << "\n";
  if (rev.is_branch_point()) s << "Branches into: " << join_ids(map.children(rev)) << "\n";
  if (!rev.branch_labels.empty()) s << "Branch names: " << join_ids(rev.branch_labels) << "\n";
  s << "Path: " << file.path.string() << "\n\n";
  std::istringstream lines(file.message);
  std::string line;
  while (std::getline(lines, line)) s << "    " << line << "\n";
  if (!file.create_date.empty()) s << "\n    Create Date: " << file.create_date << "\n";
  return s.str();
}

util::Json revision_json(const graph::Revision& rev, const script::RevisionFile& file,
                         std::optional<bool> is_current) {
  util::Json r = util::Json::object();
  r.set("revision", rev.id)
      .set("down_revisions", util::Json::strings(rev.down_revisions))
      .set("branch_labels", util::Json::strings(rev.declared_branch_labels))
      .set("depends_on", util::Json::strings(rev.declared_depends_on))
      .set("message", file.message)
      .set("path", file.path.string())
      .set("is_head", rev.is_head())
      .set("is_base", rev.is_base())
      .set("is_branch_point", rev.is_branch_point())
      .set("is_merge_point", rev.is_merge_point())
      .set("is_current", is_current ? util::Json(*is_current) : util::Json());
  return r;
}

util::Json step_json(const PlanStep& step) {
  util::Json ops = util::Json::array();
  for (const auto& op : step.ops) ops.push(op_json(op));
  util::Json s = util::Json::object();
  s.set("revision", util::Json::optional(step.revision))
      .set("direction", to_string(step.direction))
      .set("version_table_ops", std::move(ops));
  if (step.duration) s.set("duration_ms", static_cast<long long>(step.duration->count()));
  return s;
}

util::Json plan_json(const RunResult& plan) {
  util::Json steps = util::Json::array();
  util::Json all_ops = util::Json::array();
  for (const auto& step : plan.steps) {
    for (const auto& op : step.ops) all_ops.push(op_json(op));
    steps.push(step_json(step));
  }
  util::Json doc = util::Json::object();
  doc.set("command", to_string(plan.command))
      .set("target", plan.target)
      .set("heads_before", util::Json::strings(plan.heads_before))
      .set("steps", std::move(steps))
      .set("heads_after", util::Json::strings(plan.heads_after))
      .set("version_table_ops", std::move(all_ops));
  return doc;
}

util::Json error_json(const Error& e) {
  util::Json err = util::Json::object();
  err.set("kind", std::string(to_string(e.kind()))).set("message", std::string(e.what())).set("hint", e.hint());
  const auto& where = e.where();
  if (!where.revision.empty()) err.set("revision", where.revision);
  if (!where.file.empty()) err.set("file", where.file);
  if (where.line > 0) err.set("line", where.line);
  if (!where.statement.empty()) err.set("statement", where.statement);
  if (!where.sqlstate.empty()) err.set("sqlstate", where.sqlstate);
  return err;
}

std::string plan_text(const RunResult& plan) {
  std::ostringstream s;
  s << "Plan for " << to_string(plan.command) << " " << plan.target << "\n";
  s << "  heads before: " << join_ids(plan.heads_before, "(none)") << "\n";
  if (plan.steps.empty()) s << "  nothing to do\n";
  for (const auto& step : plan.steps) {
    s << "  " << to_string(step.direction) << " " << join_ids(step.from) << " -> " << join_ids(step.to)
      << "  [";
    for (std::size_t i = 0; i < step.ops.size(); ++i) s << (i ? "; " : "") << op_text(step.ops[i]);
    s << "]\n";
  }
  s << "  heads after: " << join_ids(plan.heads_after, "(none)") << "\n";
  return s.str();
}

util::Json schema_difference_json(const SchemaDifference& d) {
  util::Json item = util::Json::object();
  item.set("change", d.change)
      .set("kind", d.kind)
      .set("object", d.object)
      .set("attribute", d.attribute.empty() ? util::Json() : util::Json(d.attribute))
      .set("expected", d.expected)
      .set("actual", d.actual);
  return item;
}

util::Json schema_differences_json(const std::vector<SchemaDifference>& differences) {
  util::Json list = util::Json::array();
  for (const auto& d : differences) list.push(schema_difference_json(d));
  return list;
}

util::Json journal_record_json(const JournalRecord& e) {
  auto opt = [](const std::string& v) { return v.empty() ? util::Json() : util::Json(v); };
  util::Json item = util::Json::object();
  item.set("id", e.id)
      .set("started_at", e.started_at)
      .set("finished_at", opt(e.finished_at))
      .set("command", e.command)
      .set("revision", opt(e.revision))
      .set("direction", e.direction)
      .set("status", e.status)
      .set("duration_ms", e.duration_ms ? util::Json(*e.duration_ms) : util::Json())
      .set("heads_before", util::Json::strings(e.heads_before))
      .set("heads_after", util::Json::strings(e.heads_after))
      .set("statements_done", e.statements_done)
      .set("statements_total", e.statements_total)
      .set("db_user", opt(e.db_user))
      .set("os_user", opt(e.os_user))
      .set("host", opt(e.host))
      .set("tool_version", opt(e.tool_version))
      .set("reason", opt(e.reason))
      .set("error", opt(e.error))
      .set("schema_fingerprint", opt(e.schema_fingerprint));
  return item;
}

}  // namespace migrate::commands
