#pragma once
/// The command line's configuration choices as the library takes them.

#include <migrate/migrator.hpp>
#include <migrate/types.hpp>

#include "api/access.hpp"
#include "commands/commands.hpp"

namespace migrate::commands {

/// `-c`, `--url`, `--env` and `-x` of `ctx` as a ConfigSource.
inline ConfigSource config_source(const Context& ctx) {
  ConfigSource source;
  if (ctx.overrides.config_file) source.file = *ctx.overrides.config_file;
  if (ctx.overrides.url) source.url = *ctx.overrides.url;
  if (ctx.overrides.env) source.environment = *ctx.overrides.env;
  source.x_args = ctx.overrides.x_args;
  return source;
}

/// A Migrator for `ctx`: its configuration, and the command line's stop token (fed by its
/// signal handlers) and test hooks.
inline Migrator make_migrator(const Context& ctx) {
  Migrator migrator(config_source(ctx));
  api::MigratorAccess::set_runtime_controls(migrator, ctx.stop, ctx.observer);
  return migrator;
}

}  // namespace migrate::commands
