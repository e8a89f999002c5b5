#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace migrate::test {

namespace {

void drain(int out_fd, int err_fd, std::string& out, std::string& err) {
  std::array<pollfd, 2> fds{{{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}}};
  int open_count = 2;
  std::array<char, 65536> buf{};
  while (open_count > 0) {
    if (poll(fds.data(), fds.size(), -1) < 0) continue;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buf.data(), buf.size());
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      } else {
        (i == 0 ? out : err).append(buf.data(), static_cast<std::size_t>(n));
      }
    }
  }
}

void exec_child(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                const std::map<std::string, std::string>& env) {
  int devnull = open("/dev/null", O_RDONLY);
  if (devnull >= 0) dup2(devnull, 0);
  if (chdir(cwd.c_str()) != 0) _exit(127);
  for (const auto& [k, v] : env) {
    if (v == "\x01unset") unsetenv(k.c_str());
    else setenv(k.c_str(), v.c_str(), 1);
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  _exit(127);
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

BackgroundProcess start_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                                const std::filesystem::path& output_dir,
                                const std::map<std::string, std::string>& env) {
  static std::atomic<int> counter{0};
  BackgroundProcess p;
  int n = counter++;
  p.out_file = output_dir / ("process-" + std::to_string(n) + ".out");
  p.err_file = output_dir / ("process-" + std::to_string(n) + ".err");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int out = open(p.out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(p.err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0 || err < 0) _exit(127);
    dup2(out, 1);
    dup2(err, 2);
    exec_child(argv, cwd, env);
  }
  p.pid = pid;
  return p;
}

ProcessResult wait_process(const BackgroundProcess& process) {
  int status = 0;
  waitpid(process.pid, &status, 0);
  ProcessResult r;
  r.status = decode_status(status);
  r.out = slurp(process.out_file);
  r.err = slurp(process.err_file);
  return r;
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                          const std::map<std::string, std::string>& env) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(out_pipe[0]);
    close(err_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    exec_child(argv, cwd, env);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  ProcessResult result;
  drain(out_pipe[0], err_pipe[0], result.out, result.err);
  int status = 0;
  waitpid(pid, &status, 0);
  result.status = decode_status(status);
  return result;
}

}  // namespace migrate::test
