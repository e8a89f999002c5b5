#include "runtime/foreign_keys.hpp"

#include <spdlog/spdlog.h>

#include "runtime/statement_error.hpp"
#include "sql/lexer.hpp"
#include "util/strings.hpp"

namespace migrate::runtime {
namespace {

constexpr std::size_t k_listed = 5;  ///< violations spelled out in one message

std::string identity_of(const backend::ForeignKeyViolation& v) {
  std::string row = v.key.empty() ? "rowid " + v.rowid.value_or("?") : v.key;
  return util::to_lower(v.table) + '\x1f' + util::to_lower(v.parent) + '\x1f' + row;
}

/// "usage_logs row 2 (user_id=99) has no parent row in users(id)".
std::string describe(const backend::ForeignKeyViolation& v) {
  std::string row = v.rowid ? "row " + *v.rowid : "a row";
  if (!v.key.empty()) row += " (" + v.key + ")";
  return v.table + " " + row + " has no parent row in " + (v.references.empty() ? v.parent : v.references);
}

/// The first few, then how many more.
std::string list(const std::vector<backend::ForeignKeyViolation>& violations) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < violations.size() && i < k_listed; ++i) parts.push_back(describe(violations[i]));
  std::string text = util::join(parts, "; ");
  if (violations.size() > k_listed) text += fmt::format("; and {} more", violations.size() - k_listed);
  return text;
}

}  // namespace

std::set<std::string> names_in(const std::vector<sql::Statement>& statements, Dialect dialect) {
  std::set<std::string> names;
  for (const auto& statement : statements)
    for (const auto& token : sql::tokenize(statement.text, dialect))
      if (token.kind == sql::TokenKind::word || token.kind == sql::TokenKind::quoted_identifier)
        names.insert(util::to_lower(sql::identifier_text(token)));
  return names;
}

ForeignKeyGuard::ForeignKeyGuard(backend::Backend& db, bool check)
    : m_checks(db.foreign_key_checks()), m_check(check), m_dialect(db.dialect()) {}

void ForeignKeyGuard::before_begin() {
  m_revisions.clear();
  m_checked_before.clear();
  m_old.clear();
  m_uncheckable.clear();
  if (m_checks) m_checks->disable_enforcement();
}

void ForeignKeyGuard::revision_starting(const std::string& revision, const std::string& file,
                                        const std::vector<sql::Statement>& statements) {
  if (!m_checks || !m_check || statements.empty()) return;
  Revision r{revision, file, statements, names_in(statements, m_dialect)};
  // A table checked earlier in this transaction keeps its first count: what an earlier
  // revision of the same transaction broke is not "already there".
  std::vector<std::string> fresh;
  for (auto& table : tables_to_check(r.names))
    if (m_checked_before.insert(util::to_lower(table)).second) fresh.push_back(table);
  for (const auto& v : violations_in(fresh, true)) ++m_old[identity_of(v)];
  m_revisions.push_back(std::move(r));
}

std::vector<std::string> ForeignKeyGuard::tables_to_check(const std::set<std::string>& names) {
  if (!m_tables) m_tables = m_checks->foreign_key_tables({});
  std::vector<std::string> tables;
  for (const auto& [lower, table] : *m_tables) {
    bool touched = names.count(lower) != 0;
    for (const auto& parent : table.parents) touched = touched || names.count(parent) != 0;
    if (touched && !table.parents.empty()) tables.push_back(table.name);
  }
  return tables;
}

void ForeignKeyGuard::refresh(const std::set<std::string>& names) {
  if (!m_tables || names.count("rename")) {
    m_tables = m_checks->foreign_key_tables({});
    return;
  }
  // Foreign keys come only with REFERENCES (CREATE TABLE, ADD COLUMN), and go only with the
  // table that holds them: without either, the tables read before are still the truth.
  bool changed = names.count("references") != 0;
  for (const auto& name : names) changed = changed || m_tables->count(name) != 0;
  if (!changed) return;
  for (const auto& name : names) m_tables->erase(name);
  for (auto& [lower, table] : m_checks->foreign_key_tables({names.begin(), names.end()}))
    if (!table.parents.empty()) (*m_tables)[lower] = std::move(table);
}

std::vector<backend::ForeignKeyViolation> ForeignKeyGuard::violations_in(const std::vector<std::string>& tables,
                                                                          bool before) {
  std::vector<backend::ForeignKeyViolation> found;
  for (const auto& table : tables) {
    try {
      for (auto& v : m_checks->violations(table)) found.push_back(std::move(v));
    } catch (const backend::DatabaseError& e) {
      // SQLite refuses to check a table whose foreign key is malformed ("foreign key
      // mismatch"): old news when it refused before the revision too.
      auto lower = util::to_lower(table);
      if (before) m_uncheckable.insert(lower);
      if (before || m_uncheckable.count(lower)) {
        spdlog::warn("the foreign keys of table {} cannot be checked: {}", table, e.what());
        continue;
      }
      throw Error(ErrorKind::database, "the foreign-key check of table " + table + " failed: " + e.what(),
                  "a foreign key must name its parent's primary key or a unique column");
    }
  }
  return found;
}

void ForeignKeyGuard::before_commit(const std::function<std::string(const std::string&)>& rollback_hint) {
  if (!m_checks || !m_check || m_revisions.empty()) return;
  std::set<std::string> names;
  for (const auto& r : m_revisions) names.insert(r.names.begin(), r.names.end());
  refresh(names);
  auto now = violations_in(tables_to_check(names), false);
  std::vector<backend::ForeignKeyViolation> fresh;
  std::vector<backend::ForeignKeyViolation> kept;
  for (auto& v : now) {
    auto old = m_old.find(identity_of(v));
    if (old != m_old.end() && old->second > 0) {
      --old->second;
      kept.push_back(std::move(v));
    } else {
      fresh.push_back(std::move(v));
    }
  }
  std::vector<Revision> revisions;
  revisions.swap(m_revisions);
  m_checked_before.clear();
  m_old.clear();
  if (!kept.empty()) {
    std::vector<std::string> ids;
    for (const auto& r : revisions) ids.push_back(r.id);
    spdlog::warn("{} foreign-key violation(s) that were there before revision {} ran are left as they are: {}",
                 kept.size(), util::join(ids, ", "), list(kept));
  }
  if (!fresh.empty()) {
    m_tables.reset();
    throw violation_error(revisions, fresh, rollback_hint);
  }
}

Error ForeignKeyGuard::violation_error(const std::vector<Revision>& revisions,
                                       const std::vector<backend::ForeignKeyViolation>& fresh,
                                       const std::function<std::string(const std::string&)>& rollback_hint) const {
  // Located at the last statement that names the child table (else its parent): the one
  // that most likely wrote the row, or dropped what it points at.
  auto child = util::to_lower(fresh.front().table);
  auto parent = util::to_lower(fresh.front().parent);
  const Revision* at = &revisions.back();
  const sql::Statement* statement = &at->statements.back();
  bool found = false;
  for (const auto& wanted : {child, parent}) {
    for (auto r = revisions.rbegin(); r != revisions.rend() && !found; ++r)
      for (auto s = r->statements.rbegin(); s != r->statements.rend() && !found; ++s)
        if (names_in({*s}, m_dialect).count(wanted)) {
          at = &*r;
          statement = &*s;
          found = true;
        }
  }
  backend::DatabaseError::Details details;
  details.sqlstate = "SQLITE_CONSTRAINT_FOREIGNKEY";
  details.server_message = fmt::format("FOREIGN KEY check failed before the commit, {} new violation(s): {}",
                                       fresh.size(), list(fresh));
  details.position = 0;
  backend::DatabaseError e(details.server_message + " [" + details.sqlstate + "]", details);
  return statement_error(e, {at->id, at->file, statement->text, statement->line, m_dialect},
                         "fix the rows or the revision (PRAGMA foreign_key_check lists them); " + rollback_hint(at->id));
}

}  // namespace migrate::runtime
