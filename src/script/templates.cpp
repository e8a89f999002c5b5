#include "script/templates.hpp"

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "script/embedded_templates.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"

namespace migrate::script {

namespace fs = std::filesystem;

namespace {

std::string content_of(const embedded::File& f) {
  return std::string(reinterpret_cast<const char*>(f.data), f.size);
}

/// The folder under templates/ that holds CI jobs rather than a project template.
constexpr std::string_view k_ci_folder = "ci";

/// The embedded file at `path` (relative to templates/); a missing one is a build error.
std::string embedded_file(std::string_view path) {
  for (const embedded::File* f = embedded::k_files; f->path != nullptr; ++f) {
    if (std::string_view(f->path) == path) return content_of(*f);
  }
  throw Error(ErrorKind::internal, "templates/" + std::string(path) + " is missing from the build");
}

std::vector<ProjectTemplate> build_templates() {
  std::map<std::string, ProjectTemplate> by_name;
  for (const embedded::File* f = embedded::k_files; f->path != nullptr; ++f) {
    const std::string_view path = f->path;
    const std::size_t slash = path.find('/');
    if (slash == std::string_view::npos) continue;  // top-level files are not project templates
    if (path.substr(0, slash) == k_ci_folder) continue;
    const std::string name(path.substr(0, slash));
    ProjectTemplate& t = by_name[name];
    t.name = name;
    t.files.push_back(TemplateFile{std::string(path.substr(slash + 1)), content_of(*f)});
    if (t.files.back().relative_path == "README") {
      const std::string& text = t.files.back().content;
      t.description = std::string(util::trim(std::string_view(text).substr(0, text.find('\n'))));
    }
  }
  std::vector<ProjectTemplate> out;
  for (auto& [name, t] : by_name) {
    std::sort(t.files.begin(), t.files.end(),
              [](const TemplateFile& a, const TemplateFile& b) { return a.relative_path < b.relative_path; });
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

const std::vector<ProjectTemplate>& project_templates() {
  static const std::vector<ProjectTemplate> templates = build_templates();
  return templates;
}

const ProjectTemplate* find_project_template(const std::string& name) {
  for (const auto& t : project_templates()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const std::vector<CiTemplate>& ci_templates() {
  // Each CI system looks for its file at a fixed place in the repository.
  static const std::vector<CiTemplate> templates{
      {"github", ".github/workflows/migrate.yml", embedded_file("ci/github-actions.yml")},
      {"gitlab", ".gitlab-ci.yml", embedded_file("ci/gitlab-ci.yml")},
  };
  return templates;
}

std::string revision_template() { return embedded_file("revision.sql.tmpl"); }

void write_project(const fs::path& dir, const ProjectTemplate& tmpl, const std::string& script_location) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec))) {
    throw Error(ErrorKind::usage, "Directory " + dir.string() + " already exists and is not empty",
                "pick a folder that does not exist yet, or an empty one");
  }
  fs::create_directories(dir, ec);
  if (ec) throw Error(ErrorKind::config, "Cannot create " + dir.string() + ": " + ec.message());
  for (const auto& file : tmpl.files) {
    const fs::path target = dir / fs::path(file.relative_path);
    fs::create_directories(target.parent_path(), ec);
    util::write_file_atomic(target, util::replace_all(file.content, "{{script_location}}", script_location), false);
  }
  fs::create_directories(dir / "versions", ec);
  if (ec) throw Error(ErrorKind::config, "Cannot create " + (dir / "versions").string() + ": " + ec.message());
}

}  // namespace migrate::script
