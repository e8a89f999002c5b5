// First version: no rule yet.
#include "lint/rules.hpp"

namespace migrate::lint {

void check_sqlite_rules(const RevisionContext&, const Report&) {}

}  // namespace migrate::lint
