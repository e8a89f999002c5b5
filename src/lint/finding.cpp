#include "lint/finding.hpp"

namespace migrate::lint {

const char* to_string(Severity severity) {
  switch (severity) {
    case Severity::off: return "off";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "error";
}

}  // namespace migrate::lint
