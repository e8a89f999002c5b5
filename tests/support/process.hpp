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

/// A program started in the background; its output goes to files in `output_dir`.
struct BackgroundProcess {
  int pid = -1;
  std::filesystem::path out_file;
  std::filesystem::path err_file;
};

/// Starts `argv` in `cwd` without waiting (same environment rules as run_process).
BackgroundProcess start_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                                const std::filesystem::path& output_dir,
                                const std::map<std::string, std::string>& env = {});

/// Waits for a background process and collects its exit status and output.
ProcessResult wait_process(const BackgroundProcess& process);

}  // namespace migrate::test
