#pragma once
/// The live schema behind `dump`, `status` and `dump_after_upgrade` (docs/schema.md): the
/// runtime's SchemaState for a configured database, rendered as SQL and JSON.

#include <migrate/types.hpp>

#include <optional>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "config/config.hpp"
#include "runtime/schema_state.hpp"

namespace migrate::api {

/// The schema state of `db` as the configuration scopes it (its `schemas`, the version
/// table and journal left out, named as on this connection).
runtime::SchemaState schema_state(const config::Config& config, backend::Backend& db);

/// The live schema, complete: Error{unsupported_object} naming the objects the model cannot
/// represent unless `ignore_unsupported` (then each is warned about, as left out of
/// `what`: "the dump", "the baseline").
schema::Schema read_complete_schema(const config::Config& config, backend::Backend& db, bool ignore_unsupported,
                                    const std::string& what);

/// The live schema as `migrate dump` prints it. Throws Error{unsupported_object} naming the
/// objects the model cannot represent unless `ignore_unsupported` (then each is warned
/// about), Error{usage} for a backend that cannot read its schema.
SchemaDump dump_schema(const config::Config& config, backend::Backend& db, const DumpOptions& options);

/// The live fingerprint against the journal's record for `rows`; nullopt when the backend
/// cannot read its schema.
std::optional<SchemaStatus> schema_status(const config::Config& config, backend::Backend& db,
                                          const std::vector<std::string>& rows);

/// `dump_after_upgrade`: writes the live schema's SQL to the configured file when its text
/// differs from what the file holds (a file that is the same is not touched, so its time
/// stamp says when the schema last changed). Objects the model cannot represent are left
/// out with a warning naming them (the run itself succeeded). Nothing when not configured.
void write_dump_after_upgrade(const config::Config& config, backend::Backend& db);

}  // namespace migrate::api
