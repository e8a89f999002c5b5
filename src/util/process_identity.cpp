#include "util/process_identity.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

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

}  // namespace migrate::util
