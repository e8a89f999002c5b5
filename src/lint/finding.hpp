#pragma once
/// One lint finding and how it is reported. Pure data.

#include <string>
#include <vector>

namespace migrate::lint {

enum class Severity { off, warning, error };
const char* to_string(Severity severity);  ///< "off", "warning", "error"

struct Finding {
  std::string rule;      ///< e.g. "require-concurrent-index"
  Severity severity = Severity::error;
  std::string revision;  ///< the revision id
  std::string file;      ///< as given on the command line's project (relative to the working directory)
  int line = 0;          ///< 1-based; 0 = the file as a whole
  int column = 0;        ///< 1-based; 0 = unknown
  std::string message;   ///< what is wrong
  std::string hint;      ///< what to write instead
  /// What `lint --rehearse` measured for this finding's statement: guessed (not rehearsed),
  /// confirmed (the lock or rewrite the rule predicts happened) or cleared (it did not: the
  /// finding no longer counts towards the exit status).
  enum class Evidence { guessed, confirmed, cleared };
  Evidence evidence = Evidence::guessed;
  std::string measured;  ///< e.g. "SHARE lock on public.users; 12 ms"
};

}  // namespace migrate::lint
