// `init DIR` and `list-templates`: like `alembic init`, DIR
// receives the migration scripts folder and the configuration file is written beside the
// current directory (or at -c FILE), never overwritten.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <ostream>

#include "commands/commands.hpp"
#include "core/error.hpp"
#include "script/templates.hpp"

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

void write_text(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw Error(ErrorKind::config, "cannot write " + path.string());
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
  return text;
}

}  // namespace

int init(const Context& ctx, const InitOptions& opts) {
  const auto& tmpl = find_template(opts.template_name);
  fs::path dir = fs::absolute(opts.directory);
  if (fs::exists(dir) && !fs::is_empty(dir))
    throw Error(ErrorKind::usage, "Directory " + opts.directory + " already exists and is not empty",
                "pick a new folder name");
  fs::path config_path = fs::absolute(ctx.overrides.config_file.value_or("migrate.toml"));
  // script_location is written relative to the configuration file's folder.
  std::string script_location = fs::relative(dir, config_path.parent_path()).generic_string();

  fs::create_directories(dir / "versions");
  for (const auto& file : tmpl.files) {
    std::string content = replace_all(file.content, "{{script_location}}", script_location);
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
  return 0;
}

int list_templates(const Context& ctx) {
  *ctx.out << "Available templates:\n\n";
  for (const auto& t : script::project_templates()) *ctx.out << t.name << " - " << t.description << "\n";
  *ctx.out << "\nTemplates are used via the 'init' command, e.g.:\n\n  migrate init --template generic ./migrations\n";
  return 0;
}

}  // namespace migrate::commands
