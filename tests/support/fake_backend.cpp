#include "support/fake_backend.hpp"

namespace migrate::test {

FakeBackend::FakeBackend() : FakeBackend(backend::open("sqlite:///:memory:")) {}

FakeBackend::FakeBackend(std::unique_ptr<backend::Backend> inner) : m_inner(std::move(inner)) {}

std::vector<std::string> FakeBackend::writes(size_t prefix) const {
  std::vector<std::string> out;
  for (const auto& c : calls) {
    if (c.rfind("query: ", 0) == 0 || c.rfind("table_exists: ", 0) == 0 || c.rfind("column_names: ", 0) == 0)
      continue;
    out.push_back(c.substr(0, prefix));
  }
  return out;
}

backend::Capabilities FakeBackend::capabilities() const {
  return capabilities_override ? *capabilities_override : m_inner->capabilities();
}

void FakeBackend::lock(std::chrono::milliseconds timeout, const backend::LockPoll& between_polls) {
  calls.push_back("lock");
  if (lock_times_out) throw Error(ErrorKind::lock_timeout, "fake: another migrate process holds the lock");
  m_inner->locker()->lock(timeout, between_polls);
}

void FakeBackend::unlock() noexcept {
  calls.push_back("unlock");
  m_inner->locker()->unlock();
}

void FakeBackend::begin() {
  calls.push_back("begin");
  m_inner->begin();
}

void FakeBackend::commit() {
  calls.push_back("commit");
  if (commit_fails) {
    backend::DatabaseError::Details d;
    d.sqlstate = "FAKE_COMMIT";
    d.server_message = "fake commit failure";
    throw backend::DatabaseError(d.server_message, d);
  }
  m_inner->commit();
}

void FakeBackend::rollback() noexcept {
  calls.push_back("rollback");
  m_inner->rollback();
}

void FakeBackend::maybe_fail(std::string_view sql) {
  if (!fail_on) return;
  auto at = sql.find(*fail_on);
  if (at == std::string_view::npos) return;
  // The failing statement starts after the previous ';' (good enough for test scripts).
  auto prev = sql.rfind(';', at);
  size_t start = prev == std::string_view::npos ? 0 : prev + 1;
  while (start < at && (sql[start] == ' ' || sql[start] == '\n' || sql[start] == '\t')) ++start;
  if (start > 0) m_inner->execute_script(sql.substr(0, start));
  backend::DatabaseError::Details d;
  d.sqlstate = "FAKE_ERROR";
  d.server_message = "fake failure on '" + *fail_on + "'";
  d.position = static_cast<long>(start);
  d.server_hint = fail_hint;
  throw backend::DatabaseError(d.server_message, d, fail_hint);
}

void FakeBackend::execute_script(std::string_view sql) {
  calls.push_back("execute_script: " + std::string(sql));
  maybe_fail(sql);
  m_inner->execute_script(sql);
}

long long FakeBackend::execute(std::string_view sql) {
  calls.push_back("execute: " + std::string(sql));
  maybe_fail(sql);
  return m_inner->execute(sql);
}

std::vector<backend::Row> FakeBackend::query(std::string_view sql) {
  calls.push_back("query: " + std::string(sql));
  maybe_fail(sql);
  return m_inner->query(sql);
}

bool FakeBackend::table_exists(std::string_view schema, std::string_view table) {
  calls.push_back("table_exists: " + std::string(table));
  return m_inner->catalog().table_exists(schema, table);
}

std::vector<std::string> FakeBackend::column_names(std::string_view schema, std::string_view table) {
  calls.push_back("column_names: " + std::string(table));
  return m_inner->catalog().column_names(schema, table);
}

void FakeBackend::set_lock_key(std::string_view schema, std::string_view version_table) {
  calls.push_back("set_lock_key: " + std::string(schema) + "." + std::string(version_table));
  m_inner->locker()->set_lock_key(schema, version_table);
}

void FakeBackend::set_session_timeouts(const std::optional<std::string>& lock_timeout,
                                       const std::optional<std::string>& statement_timeout) {
  calls.push_back("session_timeouts: " + lock_timeout.value_or("-") + "/" + statement_timeout.value_or("-"));
  m_inner->set_session_timeouts(lock_timeout, statement_timeout);
}

void FakeBackend::request_cancel() noexcept {
  cancel_requests.fetch_add(1);
  m_inner->request_cancel();
}

backend::BackupResult FakeBackend::backup(const std::filesystem::path& path) {
  calls.push_back("backup: " + path.string());
  if (backup_error) throw *backup_error;
  if (backup_result) return *backup_result;
  return m_inner->backups()->backup(path);
}

namespace {

[[noreturn]] void fail_catalog_query(const std::string& what) {
  backend::DatabaseError::Details d;
  d.server_message = what + " failed (fake)";
  throw backend::DatabaseError(d.server_message, d);
}

}  // namespace

schema::Schema FakeBackend::read_schema(const backend::SchemaScope& scope) {
  calls.push_back("read_schema");
  if (schema_read_fails) fail_catalog_query("catalog read");
  return m_inner->schema_reader()->read_schema(scope);
}

std::string FakeBackend::catalog_digest(const backend::SchemaScope& scope) {
  calls.push_back("catalog_digest");
  if (digest_fails) fail_catalog_query("catalog digest");
  return m_inner->schema_reader()->catalog_digest(scope);
}

}  // namespace migrate::test
