#pragma once
/// Forwarding header; callers move to sql/statements.hpp (sql::split_statements,
/// sql::Statement), where the splitter now lives on top of the one SQL lexer.

#include "sql/statements.hpp"

namespace migrate::script {

using sql::Statement;
using sql::split_statements;

}  // namespace migrate::script
