#pragma once
/// What the command line gives a Migrator beyond the public interface: its own stop token
/// (fed by its signal handlers, so a signal outside a run keeps its default action) and
/// its test hooks as an observer.

#include <migrate/migrator.hpp>

#include "runtime/run_control.hpp"

namespace migrate::api {

struct MigratorAccess {
  /// Runs of `migrator` use `stop` (nullptr: its own token) and also report to `observer`
  /// (nullable). Both are owned by the caller and must outlive the runs.
  static void set_runtime_controls(Migrator& migrator, runtime::StopToken* stop, runtime::RunObserver* observer);
};

}  // namespace migrate::api
