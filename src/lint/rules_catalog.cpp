// Every lint rule with its dialect, default severity and what it prevents.
#include "lint/rules.hpp"

namespace migrate::lint {

const std::vector<RuleInfo>& all_rules() {
  static const std::vector<RuleInfo> rules;
  return rules;
}

}  // namespace migrate::lint
