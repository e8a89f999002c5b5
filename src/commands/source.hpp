#pragma once
/// The command line's configuration choices as the library takes them.

#include <migrate/types.hpp>

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

}  // namespace migrate::commands
