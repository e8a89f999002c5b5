#include "lint/rules.hpp"

namespace migrate::lint {

std::set<std::string> tables_created_before(const RevisionContext& context, std::size_t index) {
  std::set<std::string> created;
  for (std::size_t i = 0; i < index && i < context.upgrade.size(); ++i) {
    const auto& statement = context.upgrade[i];
    if (statement.kind == StatementFacts::Kind::create_table) created.insert(statement.table);
    if (statement.kind == StatementFacts::Kind::rename_table && created.erase(statement.table) > 0)
      created.insert(statement.new_name);
    if (statement.kind == StatementFacts::Kind::drop_table)
      for (const auto& dropped : statement.drops) created.erase(dropped.name);
  }
  return created;
}

}  // namespace migrate::lint
