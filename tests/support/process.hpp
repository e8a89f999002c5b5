#pragma once
/// Runs a program (no shell) and captures stdout, stderr and exit status.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace migrate::test {

struct ProcessResult {
  int status = -1;  ///< exit status, or 128+signal when killed
  std::string out;
  std::string err;
};

/// Runs `argv` in `cwd` with the current environment plus `env` (a value of "\x01unset"
/// removes the variable). Blocks until it exits.
ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                          const std::map<std::string, std::string>& env = {});

}  // namespace migrate::test
