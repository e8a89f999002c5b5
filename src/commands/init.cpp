// `init DIR`, `init --ci github|gitlab` and `list-templates`: like `alembic init`, DIR
// receives the migration scripts folder and the configuration file is written beside the
// current directory (or at -c FILE), never overwritten. `--ci` adds a CI job that runs
// migrate's checks, in the folder of the configuration file (the project folder); given
// without DIR, it adds that job to an existing project.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <ostream>

#include "commands/commands.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "script/templates.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"

namespace migrate::commands {

namespace {

namespace fs = std::filesystem;

const script::ProjectTemplate& find_template(const std::string& name) {
  std::string names;
  for (const auto& t : script::project_templates()) {
    if (t.name == name) return t;
    names += (names.empty() ? "" : ", ") + t.name;
  }
  throw Error(ErrorKind::usage, "No such template " + name, "available templates: " + names);
}

const script::CiTemplate& find_ci_template(const std::string& name) {
  std::string names;
  for (const auto& t : script::ci_templates()) {
    if (t.name == name) return t;
    names += (names.empty() ? "" : " or ") + t.name;
  }
  throw Error(ErrorKind::usage, "No such CI template " + name, "--ci takes " + names);
}

void write_text(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw Error(ErrorKind::config, "cannot write " + path.string());
}

/// Checked before anything is written, so that a refusal leaves no half-made project.
void refuse_existing_ci_file(const fs::path& target, const script::CiTemplate& ci) {
  if (!fs::exists(target)) return;
  throw Error(ErrorKind::usage, "File " + target.string() + " already exists",
              "move it aside, run `migrate init --ci " + ci.name +
                  "` again, and carry over what your file had that the new one lacks");
}

/// Writes the CI job (never over an existing file, even one created meanwhile) and says
/// what is left to do: migrate has no published package, so the job's install step needs
/// the user's source URL.
void write_ci_file(const Context& ctx, const fs::path& project_dir, const script::CiTemplate& ci) {
  const fs::path target = project_dir / ci.target;
  refuse_existing_ci_file(target, ci);
  fs::create_directories(target.parent_path());
  util::write_file_atomic(target, ci.content, false, ErrorKind::usage);
  spdlog::info("Generating {} ...  done", target.string());
  *ctx.out << "Wrote " << target.string()
           << ". Next: set MIGRATE_SOURCE in it (how the job installs migrate), then commit it.\n";
}

/// `init --ci NAME` without DIR: the project is the configuration file's folder, and the
/// configuration must exist (a CI job for a project that is not there would only fail).
int init_ci_only(const Context& ctx, const script::CiTemplate& ci) {
  const auto config = config::load(ctx.overrides);
  write_ci_file(ctx, config.file.parent_path(), ci);
  return 0;
}

}  // namespace

int init(const Context& ctx, const InitOptions& opts) {
  const script::CiTemplate* ci = opts.ci.empty() ? nullptr : &find_ci_template(opts.ci);
  if (opts.directory.empty()) {
    if (ci == nullptr)
      throw Error(ErrorKind::usage, "init needs DIR, the folder for the migration scripts",
                  "for example `migrate init migrations`; `migrate init --ci github` adds a CI job to a project");
    return init_ci_only(ctx, *ci);
  }
  const auto& tmpl = find_template(opts.template_name);
  fs::path dir = fs::absolute(opts.directory);
  if (fs::exists(dir) && !fs::is_empty(dir))
    throw Error(ErrorKind::usage, "Directory " + opts.directory + " already exists and is not empty",
                "pick a new folder name");
  fs::path config_path = fs::absolute(ctx.overrides.config_file.value_or("migrate.toml"));
  if (ci != nullptr) refuse_existing_ci_file(config_path.parent_path() / ci->target, *ci);
  // script_location is written relative to the configuration file's folder.
  std::string script_location = fs::relative(dir, config_path.parent_path()).generic_string();

  fs::create_directories(dir / "versions");
  for (const auto& file : tmpl.files) {
    std::string content = util::replace_all(file.content, "{{script_location}}", script_location);
    if (file.relative_path == "migrate.toml") {
      if (fs::exists(config_path)) {
        spdlog::info("File {} already exists, skipping", config_path.string());
        continue;
      }
      write_text(config_path, content);
      spdlog::info("Generating {} ...  done", config_path.string());
    } else {
      write_text(dir / file.relative_path, content);
      spdlog::info("Generating {} ...  done", (dir / file.relative_path).string());
    }
  }
  *ctx.out << "Created " << dir.string() << " from template '" << tmpl.name << "'. Next: set the database URL in "
           << config_path.filename().string() << ", then `migrate revision -m \"first revision\"`.\n";
  if (ci != nullptr) write_ci_file(ctx, config_path.parent_path(), *ci);
  return 0;
}

int list_templates(const Context& ctx) {
  *ctx.out << "Available templates:\n\n";
  for (const auto& t : script::project_templates()) *ctx.out << t.name << " - " << t.description << "\n";
  *ctx.out << "\nTemplates are used via the 'init' command, e.g.:\n\n  migrate init --template generic ./migrations\n";
  *ctx.out << "\nCI templates (`migrate init --ci NAME`):\n\n";
  for (const auto& t : script::ci_templates()) *ctx.out << t.name << " - " << t.target << "\n";
  return 0;
}

}  // namespace migrate::commands
