#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/backend.hpp"
#include "runtime/runner.hpp"
#include "support/temp_dir.hpp"
#include "unit/runtime/runtime_fixture.hpp"

namespace migrate {
namespace {

TEST(RunnerConcurrencyTest, EightProcessesApplyEachRevisionOnce) {
  auto level = spdlog::get_level();
  spdlog::set_level(spdlog::level::off);
  struct Restore {
    spdlog::level::level_enum level;
    ~Restore() { spdlog::set_level(level); }
  } restore{level};
  test::TempDir dir;
  auto url = "sqlite:///" + (dir.path() / "shared.db").string();
  test::Files files;
  files.add(test::revision("a", {}, "CREATE TABLE ta (x INTEGER);"));
  files.add(test::revision("b", {"a"}, "CREATE TABLE tb (x INTEGER); INSERT INTO tb VALUES (1);"));
  files.add(test::revision("c", {"b"}, "CREATE TABLE tc (x INTEGER);\nCREATE INDEX tc_x ON tc (x);", "", false));
  files.add(test::revision("d", {"c"}, "CREATE TABLE td (x INTEGER);"));

  // The children wait on this pipe so they start together; no SQLite connection of this
  // process exists yet (a connection must not cross fork()).
  int start[2];
  ASSERT_EQ(pipe(start), 0);
  std::vector<pid_t> children;
  for (int i = 0; i < 8; ++i) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(start[1]);
      char c;
      while (read(start[0], &c, 1) > 0) {
      }
      int code = 0;
      try {
        auto db = backend::open(url);
        runtime::RunSettings s;
        s.command = runtime::Command::upgrade;
        s.lock_timeout = std::chrono::milliseconds(60000);
        runtime::Runner(*db, s, files.lookup()).run(test::linear_upgrade({"a", "b", "c", "d"}));
      } catch (const Error& e) {
        code = 10 + static_cast<int>(e.kind());
      } catch (...) {
        code = 99;
      }
      _exit(code);
    }
    children.push_back(pid);
  }
  close(start[0]);
  close(start[1]);  // go
  for (auto pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "child " << pid;
  }

  auto db = backend::open(url);
  runtime::Runner runner(*db, {}, files.lookup());
  EXPECT_EQ(runner.read_version_rows(), (std::vector<std::string>{"d"}));
  EXPECT_TRUE(runner.partial_revisions().empty());
  std::vector<std::string> journal;
  for (auto& row : db->query("SELECT revision || ':' || status FROM migrate_version_journal ORDER BY id"))
    journal.push_back(*row[0]);
  EXPECT_EQ(journal, (std::vector<std::string>{"a:applied", "b:applied", "c:applied", "d:applied"}));
  EXPECT_EQ(db->query("SELECT count(*) FROM tb").at(0).at(0), "1");
}

}  // namespace
}  // namespace migrate
