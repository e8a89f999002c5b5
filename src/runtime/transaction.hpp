#pragma once
/// A database transaction as a scope: BEGIN when made, ROLLBACK when it ends uncommitted.
/// Every transaction the runtime opens goes through this class, so no error path can leave
/// one open (the libpqxx `work` rule, for both backends).

#include "backend/backend.hpp"

namespace migrate::runtime {

class Transaction {
 public:
  /// BEGIN. Throws DatabaseError when the database refuses.
  explicit Transaction(backend::Backend& db) : m_db(db) {
    m_db.begin();
    m_open = true;
  }
  /// ROLLBACK unless committed or rolled back already; never throws.
  ~Transaction() { rollback(); }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  /// COMMIT. When it fails, the transaction is rolled back before the error propagates.
  void commit() {
    try {
      m_db.commit();
    } catch (...) {
      rollback();
      throw;
    }
    m_open = false;
  }
  /// ROLLBACK now, if still open; never throws.
  void rollback() noexcept {
    if (!m_open) return;
    m_open = false;
    m_db.rollback();
  }
  /// False once committed or rolled back, or when the revision's own SQL ended it (a COMMIT
  /// or ROLLBACK in the script, which the backend reports through in_transaction()).
  bool open() const { return m_open && m_db.in_transaction(); }

 private:
  backend::Backend& m_db;
  bool m_open = false;
};

}  // namespace migrate::runtime
