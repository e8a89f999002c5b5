#pragma once
/// The command line (CLI11 lives only here). `run` parses, dispatches to `commands::`,
/// and is the single place that catches errors: it prints them (text on stderr, or a JSON
/// document on stdout with --format json, with the error's location fields where known)
/// and maps their kind to the exit status (migrate::exit_status).

namespace migrate::cli {

/// Entry point for main(): returns the process exit status.
int run(int argc, char** argv);

}  // namespace migrate::cli
