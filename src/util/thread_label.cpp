#include "util/thread_label.hpp"

#include <utility>

namespace migrate::util {

namespace {
thread_local std::string t_label;
}  // namespace

const std::string& thread_label() noexcept { return t_label; }

ThreadLabel::ThreadLabel(std::string label) : m_previous(std::exchange(t_label, std::move(label))) {}

ThreadLabel::~ThreadLabel() { t_label = std::move(m_previous); }

}  // namespace migrate::util
