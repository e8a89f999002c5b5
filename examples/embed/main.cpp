// Upgrades a SQLite database to head with the migrations bundled next to this file (or the
// folder given), printing each step, then the revisions the database is on.
//
//   embed_example DATABASE_FILE [MIGRATIONS_FOLDER]
#include <migrate/error.hpp>
#include <migrate/migrator.hpp>

#include <csignal>
#include <iostream>

namespace {

migrate::Migrator* g_migrator = nullptr;

// Ctrl-C while waiting for the lock or planning: ask the runner to stop cleanly. (The
// runner installs its own handlers while it holds the lock.)
void stop_migrating(int signal) {
  if (g_migrator) g_migrator->request_stop(signal);
}

/// Prints each step as it is reported.
class PrintSteps : public migrate::Observer {
 public:
  void step_finished(const migrate::PlanStep& step) override {
    std::cout << "  " << migrate::to_string(step.direction) << " " << step.revision.value_or("base") << " ("
              << (step.duration ? step.duration->count() : 0) << " ms)\n";
  }
};

std::string join(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out.empty() ? "(none)" : out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " DATABASE_FILE [MIGRATIONS_FOLDER]\n";
    return 2;
  }
  migrate::Settings settings;
  settings.script_location = argc > 2 ? argv[2] : EXAMPLE_MIGRATIONS_DIR;
  settings.database_url = std::string("sqlite:///") + argv[1];
  try {
    migrate::Migrator migrator(settings);
    g_migrator = &migrator;
    std::signal(SIGINT, stop_migrating);
    std::signal(SIGTERM, stop_migrating);

    PrintSteps printer;
    migrate::RunOptions options;
    options.observer = &printer;
    std::cout << "upgrade head:\n";
    auto result = migrator.upgrade("head", options);
    if (result.steps.empty()) std::cout << "  nothing to do\n";
    std::cout << "heads before: " << join(result.heads_before) << "\n";
    std::cout << "heads after: " << join(result.heads_after) << "\n";
    std::cout << "current: " << join(migrator.current()) << "\n";
    g_migrator = nullptr;
    return 0;
  } catch (const migrate::Error& e) {
    g_migrator = nullptr;
    std::cerr << "error (" << migrate::to_string(e.kind()) << "): " << e.what() << "\n";
    if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
    if (!e.where().empty())
      std::cerr << "at " << e.where().file << ":" << e.where().line << " [" << e.where().sqlstate << "]\n";
    return 1;
  }
}
