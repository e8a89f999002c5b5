#include "runtime/schema_repair.hpp"

#include <chrono>

#include "runtime/foreign_keys.hpp"
#include "runtime/journal.hpp"
#include "runtime/schema_state.hpp"
#include "runtime/statement_error.hpp"
#include "runtime/transaction.hpp"
#include "sql/statements.hpp"

namespace migrate::runtime {
namespace {

constexpr const char* k_command = "repair --schema";

JournalEntry repair_row(const SchemaRepairRun& run, const std::string& ddl, int statements, const std::string& reason) {
  JournalEntry e;
  e.direction = "repair";
  e.command = k_command;
  e.status = "applied";
  e.reason = reason;
  e.heads_before = e.heads_after = run.rows;
  e.file_content = ddl;  // what ran, for whoever audits the repair later
  e.statements_done = e.statements_total = statements;
  e.transactional = true;
  fill_identity(e, run.db);
  return e;
}

void execute_all(const SchemaRepairRun& run, const std::vector<sql::Statement>& statements) {
  for (const auto& statement : statements) {
    try {
      run.db.execute(statement.text);
    } catch (const backend::DatabaseError& e) {
      FailedStatement at{k_command, "<schema repair DDL>", statement.text, statement.line, run.db.dialect()};
      throw statement_error(e, at,
                            "nothing was changed (the repair ran in one transaction and was rolled back); "
                            "`migrate repair --schema --sql` prints the DDL to adapt and run by hand");
    }
  }
}

}  // namespace

long long run_schema_repair(const SchemaRepairRun& run, const std::string& ddl, const std::string& reason) {
  const auto started = std::chrono::steady_clock::now();
  const auto started_at = utc_now_iso();
  const auto statements = sql::split_statements(ddl, run.db.dialect());
  ForeignKeyGuard foreign_keys(run.db, run.foreign_key_check);
  foreign_keys.before_begin();
  Journal journal(run.db, run.version_table);
  journal.ensure();
  Transaction transaction(run.db);
  foreign_keys.revision_starting(k_command, "<schema repair DDL>", statements);
  execute_all(run, statements);
  foreign_keys.before_commit([](const std::string&) {
    return std::string("the schema repair was rolled back: nothing was changed");
  });
  auto row = repair_row(run, ddl, static_cast<int>(statements.size()), reason);
  row.started_at = started_at;
  row.set_schema(SchemaState(run.db, run.version_table, run.schemas).fingerprint_for_journal());
  row.finished_at = utc_now_iso();
  row.duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  const long long id = journal.append(row);
  transaction.commit();
  return id;
}

}  // namespace migrate::runtime
