#pragma once
/// A label for the log lines of the current thread: a fleet names the target each worker
/// runs, so that its warnings say which tenant they are about. The command line's log format
/// shows it; an embedding program may read it in its own.

#include <string>

namespace migrate::util {

/// The current thread's label; "" when none is set.
const std::string& thread_label() noexcept;

/// Sets the current thread's label for the scope's lifetime (the previous one comes back).
class ThreadLabel {
 public:
  explicit ThreadLabel(std::string label);
  ~ThreadLabel();
  ThreadLabel(const ThreadLabel&) = delete;
  ThreadLabel& operator=(const ThreadLabel&) = delete;

 private:
  std::string m_previous;
};

}  // namespace migrate::util
