// `edit REV`: opens the revision files in $EDITOR.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "commands/commands.hpp"
#include "api/database.hpp"
#include "api/project.hpp"
#include "core/error.hpp"

namespace migrate::commands {

using api::Project;


namespace {

/// Runs `editor file` without a shell; the editor value may carry arguments ("code -w").
void run_editor(const std::string& editor, const std::string& file) {
  std::vector<std::string> argv;
  std::istringstream words(editor);
  for (std::string w; words >> w;) argv.push_back(w);
  argv.push_back(file);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) throw Error(ErrorKind::internal, "fork failed");
  if (pid == 0) {
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Error(ErrorKind::usage, "the editor '" + editor + "' failed on " + file,
                "check $EDITOR (it is run without a shell)");
}

}  // namespace

int edit(const Context& ctx, const std::string& rev_arg) {
  auto p = Project::load(config::load(ctx.overrides));
  std::vector<std::string> ids;
  if (rev_arg == "current") {
    auto db = api::open_database(p.config(), backend::OpenMode::existing_only);
    auto rows = api::read_known_rows(p, *db);
    if (rows.empty()) throw Error(ErrorKind::revision_not_found, "No current revisions", "the version table is empty");
    ids = p.map().current_heads(rows);
  } else {
    ids = p.map().resolve(rev_arg);
    if (ids.empty())
      throw Error(ErrorKind::revision_not_found, "No revision files indicated by symbol '" + rev_arg + "'");
  }
  const char* editor = std::getenv("VISUAL");
  if (!editor || !*editor) editor = std::getenv("EDITOR");
  if (!editor || !*editor)
    throw Error(ErrorKind::usage, "no editor: $EDITOR is not set", "for example: EDITOR=vi migrate edit " + rev_arg);
  for (const auto& id : ids) run_editor(editor, p.file_of(id).path.string());
  return 0;
}

}  // namespace migrate::commands
