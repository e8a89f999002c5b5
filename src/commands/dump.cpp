// `dump`: the live schema read from the database's catalog, as canonical SQL (the default,
// `--format sql` or text) or as the schema model in JSON (`--format json`), on stdout or
// into --output FILE. Exit 0; objects the model cannot represent end it with
// unsupported_object (exit 2) unless --ignore-unsupported.
#include <migrate/migrator.hpp>

#include <spdlog/spdlog.h>

#include <ostream>

#include "commands/commands.hpp"
#include "commands/source.hpp"
#include "util/files.hpp"

namespace migrate::commands {

int dump(const Context& ctx, const DumpOptions& opts) {
  auto migrator = make_migrator(ctx);
  migrate::DumpOptions options;
  options.ignore_unsupported = opts.ignore_unsupported;
  options.json = ctx.format == Format::json;
  options.sql = !options.json;
  auto dump = migrator.dump(options);
  const std::string& text = ctx.format == Format::json ? dump.json + "\n" : dump.sql;
  if (opts.output.empty()) {
    *ctx.out << text;
    return 0;
  }
  util::write_file_atomic(opts.output, text, true, ErrorKind::usage);
  spdlog::info("Wrote the schema to {} (fingerprint {})", opts.output, dump.fingerprint.substr(0, 12));
  return 0;
}

}  // namespace migrate::commands
