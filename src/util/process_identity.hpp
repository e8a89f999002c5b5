#pragma once
/// Who runs this process and where, for the journal's `os_user` and `host` columns, and a
/// tag that names this process's temporary things.

#include <string>

namespace migrate::util {

/// The effective user's login name (passwd entry, else $USER); "" when neither is known.
std::string os_user_name();
/// gethostname(); "" when it fails.
std::string host_name();
/// `<pid>_<8 random hex digits>`: a name part no other process, nor an earlier call of this
/// one, is likely to pick (scratch databases and files).
std::string unique_tag();

}  // namespace migrate::util
