#pragma once
/// The schema model as JSON (`migrate dump --format json`): every object and attribute of
/// model.hpp under the same names, in canonical order, defaults included, so that scripts
/// can read it without knowing which attributes a dialect leaves at their default.

#include "schema/model.hpp"
#include "util/json.hpp"

namespace migrate::schema {

/// `schema` canonicalized, as a JSON object: {"format", "dialect", "fingerprint",
/// "schemas", "extensions", "types", "sequences", "tables", "indexes", "views",
/// "functions", "triggers", "unsupported"}.
util::Json to_json(const Schema& schema);
/// The same for a schema already canonicalized whose fingerprint is known (a dump computes
/// it once for everything it prints).
util::Json to_json(const Schema& canonical, const std::string& fingerprint);

}  // namespace migrate::schema
