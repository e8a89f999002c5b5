#include <spdlog/spdlog.h>

#include <exception>

#include "backend/backend.hpp"

namespace migrate::backend {

ScratchDatabase::ScratchDatabase(std::unique_ptr<Backend> db, std::string description, std::function<void()> drop)
    : m_db(std::move(db)), m_description(std::move(description)), m_drop(std::move(drop)) {}

ScratchDatabase::~ScratchDatabase() {
  m_db.reset();  // a database with an open connection cannot be dropped
  try {
    if (m_drop) m_drop();
  } catch (const std::exception& e) {
    spdlog::warn("could not drop the scratch database ({}): {}; drop it by hand", m_description, e.what());
  }
}

}  // namespace migrate::backend
