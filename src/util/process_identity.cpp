#include "util/process_identity.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>

namespace migrate::util {

std::string os_user_name() {
  if (auto* pw = getpwuid(geteuid()); pw && pw->pw_name) return pw->pw_name;
  if (const char* user = std::getenv("USER")) return user;
  return {};
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return {};
  return buf;
}

std::string unique_tag() {
  static thread_local std::mt19937 rng{std::random_device{}()};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld_%08x", static_cast<long>(getpid()), static_cast<unsigned>(rng()));
  return buf;
}

}  // namespace migrate::util
