#pragma once
// What a CI template holds, as tests/cli/ci_template_steps.py reads it with python3's YAML
// parser: the job's service images, its environment, the checkout depth, and the command
// lines of its checks (everything after the step that installs migrate).

#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace migrate::test {

struct CiTemplateSteps {
  ProcessResult parse;  ///< the python3 run: status 0 when the file is valid YAML with one job
  std::vector<std::string> services;
  std::map<std::string, std::string> env;
  std::optional<std::string> fetch_depth;  ///< GitHub's actions/checkout `fetch-depth`
  std::vector<std::string> commands;       ///< in order, each a shell command on its own
};

/// `kind` is "github" or "gitlab".
inline CiTemplateSteps read_ci_template(const std::string& kind, const std::filesystem::path& file) {
  CiTemplateSteps steps;
  steps.parse = run_process(
      {"python3", std::string(MIGRATE_SOURCE_DIR) + "/tests/cli/ci_template_steps.py", kind, file.string()},
      file.parent_path());
  std::istringstream lines(steps.parse.out);
  for (std::string line; std::getline(lines, line);) {
    const auto space = line.find(' ');
    const std::string what = line.substr(0, space);
    const std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
    if (what == "service") steps.services.push_back(rest);
    if (what == "env") steps.env[rest.substr(0, rest.find('='))] = rest.substr(rest.find('=') + 1);
    if (what == "fetch-depth") steps.fetch_depth = rest;
    if (what == "run") steps.commands.push_back(rest);
  }
  return steps;
}

}  // namespace migrate::test
