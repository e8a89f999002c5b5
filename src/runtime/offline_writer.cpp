#include "runtime/offline_writer.hpp"

#include "backend/sql_dialect.hpp"
#include "sql/statements.hpp"

namespace migrate::runtime {

void write_offline_sql(const graph::Plan& plan, Dialect dialect, const VersionTable& vt,
                       bool transaction_per_migration, const FileLookup& files, std::ostream& out) {
  auto step_files = check_plan(plan, files, PlanUse::offline);
  auto emit = [&](std::string_view text) { out << text << "\n\n"; };
  std::vector<std::string> rows = plan.heads_before;
  bool open = false;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const auto& step = plan.steps[i];
    const auto* file = step_files[i];
    bool transactional = !file || file->transactional;
    if (transactional != open) {
      emit(transactional ? "BEGIN;" : "COMMIT;");
      open = transactional;
    }
    // Alembic creates the table in any step that starts from no rows, inside its transaction.
    if (rows.empty()) emit(backend::sql::create_version_table(dialect, vt.schema, vt.name) + ";");
    emit("-- Running " + graph::short_log(step));
    if (const auto* section = file ? section_for(*file, step.direction, dialect) : nullptr)
      for (const auto& statement : sql::split_statements(section->sql, dialect, section->first_line))
        emit(statement.text + ";");
    for (const auto& op : step.ops) {
      emit(version_op_sql(dialect, vt, op) + ";");
      apply_to_rows(rows, op);
    }
    if (open && transaction_per_migration) {
      emit("COMMIT;");
      open = false;
    }
  }
  if (open) emit("COMMIT;");
}

}  // namespace migrate::runtime
