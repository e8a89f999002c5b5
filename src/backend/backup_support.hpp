#pragma once
/// What the backends' `backup()` implementations share: the private backup file, shell
/// quoting for the printed restore command, and running a client tool without a shell.
/// Internal to src/backend.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace migrate::backend {

/// `text` as one POSIX shell word: single-quoted, each `'` written as `'\''`.
std::string shell_quote(std::string_view text);

/// Creates `path` empty with mode 0600 (O_EXCL: never reuses or follows an existing file),
/// so the copy is readable by its owner only before a byte is written. Throws
/// Error{usage} when the file exists (the hint says to pick another path or remove it) or
/// cannot be created (missing folder, permissions).
void create_backup_file(const std::filesystem::path& path);

/// Removes a backup that failed half-way; never throws.
void remove_partial_backup(const std::filesystem::path& path) noexcept;

/// `name` found as an executable in $PATH, else in `fallback_dirs` (in order); empty when
/// there is none.
std::filesystem::path find_executable(std::string_view name, const std::vector<std::filesystem::path>& fallback_dirs);

struct ProcessResult {
  int exit_status = -1;  ///< the exit status, or -1 when a signal ended it
  int signal = 0;        ///< the signal that ended it, 0 when it exited
  std::string output;    ///< stdout and stderr together (the first 64 KiB)
};

/// Runs `program` with `args` (argv[1...]) directly, no shell: stdin is /dev/null, stdout and
/// stderr are captured, umask 077. `environment` replaces the child's environment entirely
/// ("NAME=value" entries), so a secret placed there reaches the child only. Throws
/// Error{internal} when the process cannot be started.
ProcessResult run_process(const std::filesystem::path& program, const std::vector<std::string>& args,
                          const std::vector<std::string>& environment);

/// This process's environment without the variables named in `drop`, plus `add`.
std::vector<std::string> child_environment(const std::vector<std::string>& drop, const std::vector<std::string>& add);

}  // namespace migrate::backend
