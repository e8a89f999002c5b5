#include "core/error.hpp"

#include <csignal>

namespace migrate {

Error Error::interrupted(int signal, const std::string& message, std::string hint) {
  Error e(ErrorKind::interrupted, message, std::move(hint));
  e.m_signal = signal;
  return e;
}

int exit_status(const Error& error) {
  if (error.kind() == ErrorKind::interrupted && error.signal() > 0) return 128 + error.signal();
  return exit_status(error.kind());
}

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage: return "usage";
    case ErrorKind::config: return "config";
    case ErrorKind::script: return "script";
    case ErrorKind::duplicate_revision: return "duplicate_revision";
    case ErrorKind::missing_revision: return "missing_revision";
    case ErrorKind::cycle: return "cycle";
    case ErrorKind::dependency_cycle: return "dependency_cycle";
    case ErrorKind::revision_not_found: return "revision_not_found";
    case ErrorKind::ambiguous_revision: return "ambiguous_revision";
    case ErrorKind::multiple_heads: return "multiple_heads";
    case ErrorKind::overlap: return "overlap";
    case ErrorKind::ambiguous_walk: return "ambiguous_walk";
    case ErrorKind::relative_out_of_range: return "relative_out_of_range";
    case ErrorKind::invalid_target: return "invalid_target";
    case ErrorKind::irreversible: return "irreversible";
    case ErrorKind::database: return "database";
    case ErrorKind::lock_timeout: return "lock_timeout";
    case ErrorKind::needs_repair: return "needs_repair";
    case ErrorKind::unversioned_database: return "unversioned_database";
    case ErrorKind::drift: return "drift";
    case ErrorKind::unsupported_object: return "unsupported_object";
    case ErrorKind::check_failed: return "check_failed";
    case ErrorKind::interrupted: return "interrupted";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

int exit_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::check_failed: return 1;
    case ErrorKind::database: return 3;
    case ErrorKind::lock_timeout: return 4;
    case ErrorKind::needs_repair: return 5;
    case ErrorKind::unversioned_database: return 5;
    case ErrorKind::drift: return 5;
    case ErrorKind::interrupted: return 128 + SIGINT;
    case ErrorKind::internal: return 70;
    default: return 2;
  }
}

}  // namespace migrate
