// The CI templates (templates/ci/) as their CI system would read and run them: each file
// parses as YAML; its job has a PostgreSQL 15 service and the full git history; its checks
// are check, lint --since, the stairway test, the service database brought to the default
// branch's head, and upgrade --dry-run; and each of those command lines, run by /bin/sh
// exactly as written, exits 0 on a copy of the sample project against the test server.
// The template's variables point at this test's places: the service database at a fresh
// database, the scratch database at a second one, the base checkout at a temporary folder.
// The copy is a git repository like a pull request's checkout: `main` (also `origin/main`)
// holds the sample project without its last revision, the checked-out branch adds it.
#include <cstdlib>
#include <filesystem>

#include "backend/backend.hpp"
#include "cli/ci_template_steps.hpp"
#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

namespace fs = std::filesystem;

const char* const k_last_revision = "migrations/versions/9c235a8f471a_add_quota_counters.sql";
const char* const k_base_head = "8b124f7e3609";  // the head of `main` in the checkout

/// The checks after the install step, the same in both templates but for the base branch.
std::vector<std::string> expected_checks(const std::string& lint, const std::string& base_ref) {
  return {"migrate check --offline",
          lint,
          "migrate test --scratch-url \"$SCRATCH_DATABASE_URL\"",
          "git worktree add --detach \"$BASE_CHECKOUT\" " + base_ref,
          "if [ -f \"$BASE_CHECKOUT/migrate.toml\" ]; then migrate -c \"$BASE_CHECKOUT/migrate.toml\" upgrade head; fi",
          "migrate upgrade head --dry-run"};
}

class CiTemplateTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();  // this test's (empty) database on the test server
    if (IsSkipped() || HasFatalFailure()) return;
    const fs::path source(MIGRATE_SOURCE_DIR);
    fs::copy(source / "migrations", m_dir.path() / "migrations",
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    fs::copy_file(source / "migrate.toml", m_dir.path() / "migrate.toml", fs::copy_options::overwrite_existing);
    create_scratch_database();
    make_pull_request_checkout();
  }

  void TearDown() override {
    if (!m_scratch_name.empty())
      backend::open(admin_url())->execute("DROP DATABASE IF EXISTS \"" + m_scratch_name + "\" WITH (FORCE)");
    CliTest::TearDown();
  }

  /// The template's variables for its service and checkouts point at this test's.
  static void expect_variables(const CiTemplateSteps& steps) {
    EXPECT_EQ(steps.services, std::vector<std::string>{"postgres:15"});
    for (const char* name : {"MIGRATE_DATABASE_URL", "SCRATCH_DATABASE_URL"}) {
      ASSERT_EQ(steps.env.count(name), 1u) << name;
      EXPECT_EQ(steps.env.at(name).rfind("postgresql://migrate:migrate@postgres:5432/", 0), 0u) << name;
    }
    EXPECT_NE(steps.env.at("MIGRATE_DATABASE_URL"), steps.env.at("SCRATCH_DATABASE_URL"));
    EXPECT_EQ(steps.env.count("BASE_CHECKOUT"), 1u);
  }

  /// Every check exits 0, in order; the service database is left at the default branch's
  /// head (upgraded for real), the branch's revision dry-run and rolled back.
  void run_every_check(const CiTemplateSteps& steps) {
    for (const auto& command : steps.commands) {
      auto r = run_step(command);
      EXPECT_EQ(r.status, 0) << command << "\n" << describe(r);
    }
    EXPECT_EQ(version_rows(), std::vector<std::string>{k_base_head});
    EXPECT_EQ(column_count("tenant_usage_quotas"), 4);  // the branch's nine columns rolled back
  }

 private:
  /// Runs `command` with /bin/sh in the project, the built migrate first on the PATH.
  ProcessResult run_step(const std::string& command) {
    const char* path = std::getenv("PATH");
    const std::string bin_dir = fs::path(MIGRATE_BINARY).parent_path().string();
    return run_process({"/bin/sh", "-c", command}, m_dir.path(),
                       {{"PATH", bin_dir + ":" + (path ? path : "/usr/bin:/bin")},
                        {"MIGRATE_DATABASE_URL", url()},
                        {"SCRATCH_DATABASE_URL", m_scratch_url},
                        {"BASE_CHECKOUT", (m_base.path() / "base").string()},
                        {"CI_DEFAULT_BRANCH", "main"},
                        {"DATABASE_URL", "\x01unset"},
                        {"MIGRATE_CONFIG", "\x01unset"}});
  }

  static std::string admin_url() { return std::getenv("MIGRATE_TEST_POSTGRES_URL"); }

  void create_scratch_database() {
    const std::string base = url();
    const auto slash = base.rfind('/');
    const auto query = base.find('?', slash);
    m_scratch_name = base.substr(slash + 1, query - slash - 1) + "_scratch";
    m_scratch_url = base.substr(0, slash + 1) + m_scratch_name + (query == std::string::npos ? "" : base.substr(query));
    backend::open(admin_url())->execute("CREATE DATABASE \"" + m_scratch_name + "\"");
  }

  void git(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"git", "-c", "user.name=ci test", "-c", "user.email=ci@example.com",
                                  "-c", "commit.gpgsign=false"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_process(argv, m_dir.path(), {{"GIT_CONFIG_NOSYSTEM", "1"}, {"HOME", m_dir.path().string()}});
    ASSERT_EQ(r.status, 0) << describe(r);
  }

  void make_pull_request_checkout() {
    const std::string last = read_file(m_dir.path() / k_last_revision);
    fs::remove(m_dir.path() / k_last_revision);
    git({"init", "-q", "-b", "main"});
    git({"add", "-A"});
    git({"commit", "-q", "-m", "sample project"});
    git({"update-ref", "refs/remotes/origin/main", "HEAD"});
    git({"checkout", "-q", "-b", "add-quota-counters"});
    m_dir.write(k_last_revision, last);
    git({"add", "-A"});
    git({"commit", "-q", "-m", "add quota counters"});
  }

  TempDir m_base;  ///< holds the base checkout
  std::string m_scratch_name;
  std::string m_scratch_url;
};

TEST_F(CiTemplateTest, GithubActionsTemplateRunsItsChecksOnTheSampleProject) {
  auto steps = read_ci_template("github", fs::path(MIGRATE_SOURCE_DIR) / "templates/ci/github-actions.yml");
  ASSERT_EQ(steps.parse.status, 0) << describe(steps.parse);
  expect_variables(steps);
  EXPECT_EQ(steps.fetch_depth, std::optional<std::string>("0"));  // lint --since needs the history
  ASSERT_EQ(steps.commands, expected_checks("migrate lint --since origin/main --format github", "origin/main"));
  run_every_check(steps);
}

TEST_F(CiTemplateTest, GitlabCiTemplateRunsItsChecksOnTheSampleProject) {
  auto steps = read_ci_template("gitlab", fs::path(MIGRATE_SOURCE_DIR) / "templates/ci/gitlab-ci.yml");
  ASSERT_EQ(steps.parse.status, 0) << describe(steps.parse);
  expect_variables(steps);
  EXPECT_EQ(steps.env["GIT_DEPTH"], "0");
  ASSERT_EQ(steps.commands, expected_checks("migrate lint --since \"origin/$CI_DEFAULT_BRANCH\"",
                                            "\"origin/$CI_DEFAULT_BRANCH\""));
  run_every_check(steps);
}

}  // namespace
}  // namespace migrate::test
