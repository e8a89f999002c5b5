#include "api/schema.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <system_error>

#include "api/database.hpp"
#include "schema/json.hpp"
#include "schema/render.hpp"
#include "util/files.hpp"

namespace migrate::api {
namespace {

std::vector<UnsupportedObject> unsupported_of(const schema::Schema& live) {
  std::vector<UnsupportedObject> out;
  for (const auto& u : live.unsupported) out.push_back({u.kind, u.name, u.why});
  return out;
}

std::string listed(const std::vector<UnsupportedObject>& objects) {
  std::string text;
  for (const auto& o : objects) text += "\n  " + o.kind + " " + o.name + (o.why.empty() ? "" : ": " + o.why);
  return text;
}

/// What the file holds now; "" when it does not exist or cannot be read (then it is
/// written, and a write that fails says why).
std::string current_text(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return "";
  try {
    return util::read_file(path);
  } catch (const Error&) {
    return "";
  }
}

}  // namespace

runtime::SchemaState schema_state(const config::Config& config, backend::Backend& db) {
  return runtime::SchemaState(db, version_table(config, db), config.schemas);
}

schema::Schema read_complete_schema(const config::Config& config, backend::Backend& db, bool ignore_unsupported,
                                    const std::string& what) {
  auto start = std::chrono::steady_clock::now();
  auto live = schema_state(config, db).read();
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  spdlog::debug("Read the schema ({} tables, {} views, {} indexes) in {} catalog queries, {:.1f} ms", live.tables.size(),
                live.views.size(), live.indexes.size(), db.schema_reader()->last_read_query_count(), ms);
  const auto unsupported = unsupported_of(live);
  if (!unsupported.empty() && !ignore_unsupported)
    throw Error(ErrorKind::unsupported_object,
                "the schema of the database at " + db.describe() + " holds " + std::to_string(unsupported.size()) +
                    " object(s) that the schema model cannot represent, so " + what + " would not rebuild it:" +
                    listed(unsupported),
                "pass --ignore-unsupported to use everything else (the objects above are left out and named in "
                "warnings)");
  for (const auto& o : unsupported) spdlog::warn("left out of {}: {} {} ({})", what, o.kind, o.name, o.why);
  return live;
}

SchemaDump dump_schema(const config::Config& config, backend::Backend& db, const DumpOptions& options) {
  auto live = read_complete_schema(config, db, options.ignore_unsupported, "the dump");
  SchemaDump dump;
  dump.unsupported = unsupported_of(live);
  dump.fingerprint = schema::fingerprint_of_canonical(live);  // the reader returns it canonical
  if (options.sql) dump.sql = schema::render_sql(live);
  if (options.json) dump.json = schema::to_json(live, dump.fingerprint).dump();
  return dump;
}

std::optional<SchemaStatus> schema_status(const config::Config& config, backend::Backend& db,
                                          const std::vector<std::string>& rows) {
  auto state = schema_state(config, db);
  if (!state.available()) return std::nullopt;
  runtime::Journal journal(db, version_table(config, db));
  auto check = runtime::check_fingerprint(state, journal, rows);
  SchemaStatus status;
  status.fingerprint = check.live;
  if (check.recorded) {
    status.recorded_fingerprint = check.recorded->fingerprint;
    status.recorded_row = check.recorded->id;
    status.recorded_at = check.recorded->recorded_at;
    status.recorded_heads = check.recorded->heads;
  }
  status.recorded_for_heads = check.recorded_for_heads;
  status.matches = check.matches();
  return status;
}

void write_dump_after_upgrade(const config::Config& config, backend::Backend& db) {
  if (config.dump_after_upgrade.empty() || !db.schema_reader()) return;
  DumpOptions options;
  options.ignore_unsupported = true;
  auto dump = dump_schema(config, db, options);
  const auto& path = config.dump_after_upgrade;
  if (current_text(path) == dump.sql) return;
  util::write_file_atomic(path, dump.sql, true);
  spdlog::info("Wrote the schema to {} (dump_after_upgrade)", path.string());
}

}  // namespace migrate::api
