#pragma once
/// The templates compiled into the binary from templates/ (see templates/README.md):
/// project templates for `init` and `list-templates`, CI templates for `init --ci`, and the
/// revision file template.

#include <filesystem>
#include <string>
#include <vector>

namespace migrate::script {

struct TemplateFile {
  std::string relative_path;  ///< inside the template folder, '/' separated ("migrate.toml")
  std::string content;        ///< verbatim; may hold `{{script_location}}`
};

struct ProjectTemplate {
  std::string name;         ///< the folder name under templates/ ("generic")
  std::string description;  ///< first line of the template's README
  std::vector<TemplateFile> files;  ///< sorted by relative_path
};

/// A CI job that runs migrate's checks (templates/ci/), and where `init --ci` writes it.
struct CiTemplate {
  std::string name;     ///< the `--ci` value ("github")
  std::string target;   ///< relative to the project folder (".github/workflows/migrate.yml")
  std::string content;  ///< verbatim
};

/// Every folder under templates/ but ci/, sorted by name. Built once, on first use.
const std::vector<ProjectTemplate>& project_templates();

/// The template with that name, or nullptr.
const ProjectTemplate* find_project_template(const std::string& name);

/// The CI templates: github (GitHub Actions), gitlab (GitLab CI). Built once, on first use.
const std::vector<CiTemplate>& ci_templates();

/// templates/revision.sql.tmpl; `{{header}}` stands for the header's `-- key = value` lines.
std::string revision_template();

/// Creates `dir` (parents too) and writes every file of `tmpl` into it, with
/// `{{script_location}}` replaced by `script_location`, then creates `dir/versions`. The
/// default "." fits a migrate.toml written into `dir` itself. Throws Error{usage}
/// "Directory <dir> already exists and is not empty" when `dir` holds anything, and
/// Error{config} when a file cannot be written.
void write_project(const std::filesystem::path& dir, const ProjectTemplate& tmpl,
                   const std::string& script_location = ".");

}  // namespace migrate::script
