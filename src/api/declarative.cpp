#include "api/declarative.hpp"

#include <spdlog/spdlog.h>

#include "api/replay.hpp"
#include "api/schema.hpp"
#include "runtime/statement_error.hpp"
#include "schema/changes.hpp"
#include "schema/render.hpp"
#include "util/files.hpp"

namespace migrate::api {
namespace {

/// `-- note: ...` lines, then `sql`.
std::string with_notes(const std::vector<std::string>& notes, const std::string& sql) {
  std::string out;
  for (const auto& note : notes) out += "-- note: " + note + "\n";
  return out + sql;
}

/// The text of `schema_file`; Error{config} when none is configured.
std::string read_schema_file(const config::Config& config) {
  if (config.schema_file.empty())
    throw Error(ErrorKind::config, "revision --autogenerate needs the desired schema: no `schema_file` in " +
                                       config.file.string(),
                "add `schema_file = \"schema.sql\"` to migrate.toml and write the schema there as SQL");
  return util::read_file(config.schema_file, ErrorKind::config);
}

}  // namespace

void build_schema_file(const config::Config& config, const std::string& text, backend::Backend& scratch) {
  const std::string path = config.schema_file.string();
  scratch.scratch()->drop_all_objects();
  try {
    scratch.execute_script(text);
  } catch (const backend::DatabaseError& e) {
    runtime::FailedStatement at{"schema_file", path, text, 1, scratch.dialect()};
    throw runtime::statement_error(e, at, "fix " + path + ": it must build the desired schema on an empty database");
  }
}

GeneratedSections baseline_sections(const Project& project, backend::Backend& db, bool ignore_unsupported) {
  if (!project.files().empty())
    throw Error(ErrorKind::usage,
                "the project already has " + std::to_string(project.files().size()) +
                    " revision(s): a baseline starts a project's history",
                "to adopt a database into this history, `migrate drift --identify` names the revision it matches "
                "(record it with `migrate stamp REV`); `migrate repair --schema` brings it to the version table's");
  const auto live = read_complete_schema(project.config(), db, ignore_unsupported, "the baseline");
  return {schema::render_sql(live), schema::drop_sql(live), {}};
}

GeneratedSections autogenerate_sections(const Project& project, backend::Backend& db,
                                        const std::vector<std::string>& parents, runtime::StopToken& stop) {
  runtime::StopToken::Armed armed(stop);
  const auto& config = project.config();
  const auto text = read_schema_file(config);
  auto scratch = open_scratch(config, db, "");
  Replay replay(project, scratch->db(), stop);
  const auto head = replay.upgrade_to(parents);
  build_schema_file(config, text, scratch->db());
  replay.prepare_schemas();  // emptied with the rest; the heads' schema has it
  const auto desired = replay.read();
  for (const auto& u : desired.unsupported)
    spdlog::warn("{} holds {} {}, which the schema model cannot represent: left out ({})", config.schema_file.string(),
                 u.kind, u.name, u.why);
  auto up = schema::plan_changes(head, desired);
  if (up.empty()) return {};
  auto down = schema::plan_changes(desired, head);
  return {with_notes(up.notes, up.sql()), with_notes(down.notes, down.sql()), up.notes};
}

}  // namespace migrate::api
