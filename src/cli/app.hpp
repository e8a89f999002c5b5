#pragma once
/// The command line (CLI11 lives only here). `run` parses, dispatches to `commands::`,
/// and is the single place that catches errors: it prints them (text on stderr, or a JSON
/// document on stdout with --format json) and maps their kind to the exit status of
/// CONTRACT.md §5.

namespace migrate::cli {

/// Entry point for main(): returns the process exit status.
int run(int argc, char** argv);

}  // namespace migrate::cli
