// What every backend shares by default.

#include "backend/backend.hpp"

namespace migrate::backend {

// One statement at a time: right for an embedded database, where a statement costs no
// round trip. The last one is run as a query so that its RETURNING rows come back.
Backend::BatchResult Backend::execute_batch(const std::vector<std::string>& statements) {
  BatchResult out;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    if (i + 1 < statements.size()) {
      out.changes.push_back(execute(statements[i]));
    } else {
      out.last_rows = query(statements[i]);
      out.changes.push_back(static_cast<long long>(out.last_rows.size()));
    }
  }
  return out;
}

}  // namespace migrate::backend
