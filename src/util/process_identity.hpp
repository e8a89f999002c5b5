#pragma once
/// Who runs this process and where, for the journal's `os_user` and `host` columns.

#include <string>

namespace migrate::util {

/// The effective user's login name (passwd entry, else $USER); "" when neither is known.
std::string os_user_name();
/// gethostname(); "" when it fails.
std::string host_name();

}  // namespace migrate::util
