// First version: no rule yet.
#include "lint/rules.hpp"

namespace migrate::lint {

void check_postgres_rules(const RevisionContext&, const Report&) {}

}  // namespace migrate::lint
