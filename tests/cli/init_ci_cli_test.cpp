// End-to-end `migrate init --ci github|gitlab`: the CI job is written into the project folder
// (the configuration file's folder) where its CI system looks for it, is the template byte for
// byte and valid YAML, is never written over an existing file (and a refusal leaves nothing
// half-made), needs a project when given without DIR, and an unknown value is a usage error.
#include <filesystem>

#include "cli/ci_template_steps.hpp"
#include "cli/cli_fixture.hpp"

namespace migrate::test {
namespace {

namespace fs = std::filesystem;

std::string template_text(const std::string& file) {
  return read_file(fs::path(MIGRATE_SOURCE_DIR) / "templates" / "ci" / file);
}

class InitCiTest : public ::testing::Test {
 protected:
  ProcessResult migrate(const std::vector<std::string>& args) {
    std::vector<std::string> argv{MIGRATE_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, m_dir.path(),
                       {{"MIGRATE_CONFIG", "\x01unset"}, {"DATABASE_URL", "\x01unset"},
                        {"MIGRATE_DATABASE_URL", "\x01unset"}});
  }
  fs::path path(const std::string& relative) const { return m_dir.path() / relative; }

  TempDir m_dir;
};

TEST_F(InitCiTest, WithDirWritesTheProjectAndTheGithubWorkflow) {
  auto r = migrate({"init", "migrations", "--ci", "github"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_TRUE(fs::is_directory(path("migrations/versions")));
  EXPECT_TRUE(fs::exists(path("migrate.toml")));
  ASSERT_TRUE(fs::exists(path(".github/workflows/migrate.yml"))) << describe(r);
  EXPECT_EQ(read_file(path(".github/workflows/migrate.yml")), template_text("github-actions.yml"));
  EXPECT_NE(r.out.find("MIGRATE_SOURCE"), std::string::npos) << r.out;  // what is left to do

  auto steps = read_ci_template("github", path(".github/workflows/migrate.yml"));
  ASSERT_EQ(steps.parse.status, 0) << describe(steps.parse);
  ASSERT_FALSE(steps.commands.empty());
  EXPECT_EQ(steps.commands.back(), "migrate upgrade head --dry-run");
}

TEST_F(InitCiTest, AloneAddsTheGitlabJobBesideAnExistingConfiguration) {
  ASSERT_EQ(migrate({"-c", "app/migrate.toml", "init", "app/migrations"}).status, 0);
  auto r = migrate({"-c", "app/migrate.toml", "init", "--ci", "gitlab"});
  ASSERT_EQ(r.status, 0) << describe(r);
  ASSERT_TRUE(fs::exists(path("app/.gitlab-ci.yml"))) << describe(r);
  EXPECT_FALSE(fs::exists(path(".gitlab-ci.yml")));
  EXPECT_EQ(read_file(path("app/.gitlab-ci.yml")), template_text("gitlab-ci.yml"));
  auto steps = read_ci_template("gitlab", path("app/.gitlab-ci.yml"));
  ASSERT_EQ(steps.parse.status, 0) << describe(steps.parse);
  ASSERT_FALSE(steps.commands.empty());
  EXPECT_EQ(steps.commands.back(), "migrate upgrade head --dry-run");
}

TEST_F(InitCiTest, RefusesToOverwriteAnExistingCiFile) {
  ASSERT_EQ(migrate({"init", "migrations"}).status, 0);
  m_dir.write(".github/workflows/migrate.yml", "mine\n");
  auto alone = migrate({"init", "--ci", "github"});
  EXPECT_EQ(alone.status, 2) << describe(alone);
  EXPECT_NE(alone.err.find("already exists"), std::string::npos) << alone.err;
  EXPECT_EQ(read_file(path(".github/workflows/migrate.yml")), "mine\n");

  // With DIR, the refusal comes before anything is created.
  fs::remove(path("migrate.toml"));
  auto with_dir = migrate({"init", "more", "--ci", "github"});
  EXPECT_EQ(with_dir.status, 2) << describe(with_dir);
  EXPECT_FALSE(fs::exists(path("more")));
  EXPECT_FALSE(fs::exists(path("migrate.toml")));
  EXPECT_EQ(read_file(path(".github/workflows/migrate.yml")), "mine\n");
}

TEST_F(InitCiTest, UnknownCiValueIsAUsageErrorNamingTheChoices) {
  auto r = migrate({"init", "migrations", "--ci", "jenkins"});
  EXPECT_EQ(r.status, 2) << describe(r);
  EXPECT_NE(r.err.find("github or gitlab"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path("migrations")));
  EXPECT_FALSE(fs::exists(path("migrate.toml")));
}

TEST_F(InitCiTest, AloneNeedsAProjectAndInitNeedsDirOrCi) {
  auto alone = migrate({"init", "--ci", "gitlab"});
  EXPECT_EQ(alone.status, 2) << describe(alone);
  EXPECT_NE(alone.err.find("migrate.toml"), std::string::npos) << alone.err;
  EXPECT_FALSE(fs::exists(path(".gitlab-ci.yml")));

  auto bare = migrate({"init"});
  EXPECT_EQ(bare.status, 2) << describe(bare);
  EXPECT_NE(bare.err.find("DIR"), std::string::npos) << bare.err;
}

TEST_F(InitCiTest, ListTemplatesNamesTheCiTemplatesApartFromProjectTemplates) {
  auto r = migrate({"list-templates"});
  ASSERT_EQ(r.status, 0) << describe(r);
  EXPECT_NE(r.out.find("github - .github/workflows/migrate.yml"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("gitlab - .gitlab-ci.yml"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\nci - "), std::string::npos) << r.out;  // templates/ci is not a project template
}

}  // namespace
}  // namespace migrate::test
