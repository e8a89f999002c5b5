#include "backend/backup_support.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/error.hpp"

extern char** environ;

namespace migrate::backend {
namespace {

constexpr std::size_t k_output_limit = 64 * 1024;

bool is_executable_file(const std::filesystem::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

void create_backup_file(const std::filesystem::path& path) {
  // O_EXCL also refuses a symlink planted at the path; 0600 from the first moment, so no
  // other user can open the file between its creation and the first byte of data.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    int error = errno;
    if (error == EEXIST)
      throw Error(ErrorKind::usage, "the backup file '" + path.string() + "' already exists",
                  "choose another path for --backup, or move the old backup away; migrate never "
                  "overwrites a backup");
    throw Error(ErrorKind::usage, "cannot create the backup file '" + path.string() + "': " + std::strerror(error),
                "check that its folder exists and is writable");
  }
  // A restrictive umask can only make the mode stricter; make it exactly 0600 anyway.
  ::fchmod(fd, 0600);
  ::close(fd);
}

void remove_partial_backup(const std::filesystem::path& path) noexcept {
  std::error_code ec;
  std::filesystem::remove(path, ec);
}

std::filesystem::path find_executable(std::string_view name, const std::vector<std::filesystem::path>& fallback_dirs) {
  if (const char* path_env = std::getenv("PATH")) {
    std::string_view dirs(path_env);
    while (true) {
      auto colon = dirs.find(':');
      auto dir = dirs.substr(0, colon);
      // An empty PATH entry means the working directory; a backup tool is never taken from there.
      if (!dir.empty()) {
        auto candidate = std::filesystem::path(dir) / name;
        if (is_executable_file(candidate)) return candidate;
      }
      if (colon == std::string_view::npos) break;
      dirs.remove_prefix(colon + 1);
    }
  }
  for (const auto& dir : fallback_dirs) {
    auto candidate = dir / name;
    if (is_executable_file(candidate)) return candidate;
  }
  return {};
}

std::vector<std::string> child_environment(const std::vector<std::string>& drop, const std::vector<std::string>& add) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    auto name = entry.substr(0, entry.find('='));
    if (std::find(drop.begin(), drop.end(), name) == drop.end()) out.emplace_back(entry);
  }
  out.insert(out.end(), add.begin(), add.end());
  return out;
}

ProcessResult run_process(const std::filesystem::path& program, const std::vector<std::string>& args,
                          const std::vector<std::string>& environment) {
  // Everything the child needs is built before fork(): between fork and exec only
  // async-signal-safe calls are allowed (this process may have other threads).
  std::vector<std::string> argv_strings{program.string()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = environment;
  auto argv = c_strings(argv_strings);
  auto envp = c_strings(env_strings);

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
    throw Error(ErrorKind::internal, std::string("cannot create a pipe to run ") + program.string() + ": " +
                                         std::strerror(errno));
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_t pid = ::fork();
  if (pid < 0) {
    int error = errno;
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    if (null_fd >= 0) ::close(null_fd);
    throw Error(ErrorKind::internal, "cannot start " + program.string() + ": " + std::strerror(error));
  }
  if (pid == 0) {
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::dup2(pipe_fds[1], STDERR_FILENO);
    ::umask(077);
    ::execve(argv[0], argv.data(), envp.data());
    const char message[] = "cannot execute the program\n";
    [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  if (null_fd >= 0) ::close(null_fd);

  ProcessResult result;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n > 0) {
      if (result.output.size() < k_output_limit)
        result.output.append(buffer, std::min<std::size_t>(static_cast<std::size_t>(n), k_output_limit - result.output.size()));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error(ErrorKind::internal, "cannot wait for " + program.string() + ": " + std::strerror(errno));
  }
  if (WIFEXITED(status)) {
    result.exit_status = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace migrate::backend
