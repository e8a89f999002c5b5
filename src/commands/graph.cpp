// `graph`: the revision graph as Graphviz `dot`, Mermaid `mermaid`, or `text`. Edges run from
// a parent to its child; `depends_on` edges are drawn dashed; merges and branch labels are
// shown, and, when a database is configured and can be read, its current heads are marked.
// The database is optional here: a graph is a property of the files.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <ostream>

#include "api/database.hpp"
#include "api/project.hpp"
#include "commands/commands.hpp"
#include "util/strings.hpp"

namespace migrate::commands {
namespace {

using api::Project;

/// The project, and the version-table rows when a database is configured and readable.
struct GraphInput {
  std::unique_ptr<Project> project;
  std::vector<std::string> current;
};

GraphInput load(const Context& ctx) {
  auto config = config::load(ctx.overrides);
  if (config.database_url.empty()) return {std::make_unique<Project>(Project::load(config)), {}};
  try {
    auto online = api::open_online(config, true);
    return {std::move(online.project), online.rows};
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::database) throw;
    spdlog::warn("the database's current revisions are not marked: {}", e.what());
    return {std::make_unique<Project>(Project::load(config)), {}};
  }
}

bool is_current(const GraphInput& in, const std::string& id) {
  return std::find(in.current.begin(), in.current.end(), id) != in.current.end();
}

const std::string& message_of(const Project& p, const std::string& id) { return p.file_of(id).message; }

/// Every revision, bases first: `history` order (newest first) reversed, so that a parent
/// always comes before its children.
std::vector<const graph::Revision*> base_first(const graph::RevisionMap& map) {
  std::vector<const graph::Revision*> out;
  for (const auto& id : map.history("", {})) out.push_back(&map.get(id));
  std::reverse(out.begin(), out.end());
  return out;
}

/// Mermaid node ids: a revision id may start with a digit, so each gets a prefix.
std::string mermaid_id(const std::string& id) { return "r_" + id; }

/// `"` and `\` escaped for a dot string.
std::string dot_text(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

/// Mermaid labels take no double quotes: they become `#quot;`.
std::string mermaid_text(const std::string& text) { return util::replace_all(text, "\"", "#quot;"); }

std::string labels_text(const graph::Revision& rev) {
  return rev.declared_branch_labels.empty() ? "" : " [" + util::join(rev.declared_branch_labels, ", ") + "]";
}

void write_dot(std::ostream& out, const GraphInput& in) {
  const auto& map = in.project->map();
  out << "digraph migrate {\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\"];\n";
  for (const auto* node : base_first(map)) {
    const auto& rev = *node;
    out << "  \"" << dot_text(rev.id) << "\" [label=\"" << dot_text(rev.id + labels_text(rev)) << "\\n"
        << dot_text(message_of(*in.project, rev.id)) << "\"";
    if (rev.is_merge_point()) out << ", shape=diamond";
    if (is_current(in, rev.id)) out << ", style=\"bold,filled\", fillcolor=\"lightblue\"";
    out << "];\n";
  }
  for (const auto& rev : map.revisions()) {
    for (const auto& parent : rev.down_revisions) out << "  \"" << dot_text(parent) << "\" -> \"" << dot_text(rev.id) << "\";\n";
    for (const auto& dep : rev.dependencies)
      out << "  \"" << dot_text(dep) << "\" -> \"" << dot_text(rev.id) << "\" [style=dashed, label=\"depends_on\"];\n";
  }
  out << "}\n";
}

void write_mermaid(std::ostream& out, const GraphInput& in) {
  const auto& map = in.project->map();
  out << "flowchart TD\n";
  for (const auto* node : base_first(map)) {
    const auto& rev = *node;
    const std::string label = mermaid_text(rev.id + labels_text(rev) + ": " + message_of(*in.project, rev.id));
    out << "  " << mermaid_id(rev.id) << (rev.is_merge_point() ? "{{\"" + label + "\"}}" : "[\"" + label + "\"]") << "\n";
  }
  for (const auto& rev : map.revisions()) {
    for (const auto& parent : rev.down_revisions) out << "  " << mermaid_id(parent) << " --> " << mermaid_id(rev.id) << "\n";
    for (const auto& dep : rev.dependencies)
      out << "  " << mermaid_id(dep) << " -. depends_on .-> " << mermaid_id(rev.id) << "\n";
  }
  if (in.current.empty()) return;
  out << "  classDef current fill:#cde,stroke:#036,stroke-width:2px\n";
  for (const auto& id : in.current) out << "  class " << mermaid_id(id) << " current\n";
}

/// `b2 <- a1 [labels] (merge) (head) (current): message`, then `  depends on: x`, base first.
void write_text(std::ostream& out, const GraphInput& in) {
  for (const auto* node : base_first(in.project->map())) {
    const auto& rev = *node;
    out << rev.id << " <- " << (rev.down_revisions.empty() ? "(base)" : util::join(rev.down_revisions, ", "))
        << labels_text(rev) << (rev.is_merge_point() ? " (merge)" : "") << (rev.is_head() ? " (head)" : "")
        << (is_current(in, rev.id) ? " (current)" : "") << ": " << message_of(*in.project, rev.id) << "\n";
    if (!rev.dependencies.empty()) out << "  depends on: " << util::join(rev.dependencies, ", ") << "\n";
  }
}

}  // namespace

int graph(const Context& ctx) {
  const auto& format = ctx.format_name;
  if (format != "dot" && format != "mermaid" && format != "text")
    throw Error(ErrorKind::usage, "graph --format takes dot, mermaid or text, not '" + format + "'",
                "`migrate history --format json` lists the revisions with their parents as JSON");
  auto in = load(ctx);
  if (format == "dot") write_dot(*ctx.out, in);
  else if (format == "mermaid") write_mermaid(*ctx.out, in);
  else write_text(*ctx.out, in);
  return 0;
}

}  // namespace migrate::commands
