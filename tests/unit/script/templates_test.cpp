#include "script/templates.hpp"

#include <gtest/gtest.h>

#include "config/config.hpp"
#include "core/error.hpp"
#include "support/temp_dir.hpp"

namespace migrate::script {
namespace {

namespace fs = std::filesystem;

TEST(TemplatesTest, GenericAndPostgresqlAreEmbedded) {
  const auto& all = project_templates();
  ASSERT_GE(all.size(), 2u);
  const auto* generic = find_project_template("generic");
  const auto* pg = find_project_template("postgresql");
  ASSERT_NE(generic, nullptr);
  ASSERT_NE(pg, nullptr);
  EXPECT_EQ(find_project_template("nope"), nullptr);
  EXPECT_FALSE(generic->description.empty());
  EXPECT_EQ(generic->description.find('\n'), std::string::npos);
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].name, all[i].name);
}

TEST(TemplatesTest, CiTemplatesAreEmbeddedApartFromProjectTemplates) {
  const auto& ci = ci_templates();
  ASSERT_EQ(ci.size(), 2u);
  EXPECT_EQ(ci[0].name, "github");
  EXPECT_EQ(ci[0].target, ".github/workflows/migrate.yml");
  EXPECT_EQ(ci[1].name, "gitlab");
  EXPECT_EQ(ci[1].target, ".gitlab-ci.yml");
  for (const auto& t : ci) EXPECT_NE(t.content.find("migrate upgrade head --dry-run"), std::string::npos) << t.name;
  EXPECT_EQ(find_project_template("ci"), nullptr);  // templates/ci holds jobs, not a project
}

TEST(TemplatesTest, ConfigTemplatesHaveScriptLocationAndUrl) {
  for (const char* name : {"generic", "postgresql"}) {
    const auto* t = find_project_template(name);
    ASSERT_NE(t, nullptr);
    const TemplateFile* toml = nullptr;
    for (const auto& f : t->files) {
      if (f.relative_path == "migrate.toml") toml = &f;
    }
    ASSERT_NE(toml, nullptr) << name;
    EXPECT_NE(toml->content.find("script_location = \"{{script_location}}\""), std::string::npos);
    EXPECT_NE(toml->content.find("[database]"), std::string::npos);
  }
  const auto* pg = find_project_template("postgresql");
  bool has_env = false;
  for (const auto& f : pg->files) has_env |= f.content.find("[environments.production]") != std::string::npos;
  EXPECT_TRUE(has_env);
}

TEST(TemplatesTest, ConfigTemplatesLoad) {
  for (const auto& t : project_templates()) {
    for (const auto& f : t.files) {
      if (f.relative_path != "migrate.toml") continue;
      std::string text = f.content;
      for (auto pos = text.find("{{script_location}}"); pos != std::string::npos; pos = text.find("{{script_location}}"))
        text.replace(pos, 19, "migrations");
      config::Overrides o;
      o.url = "sqlite:///:memory:";  // the environment's URL variables must not matter
      auto c = config::load_from_string(text, "/p/migrate.toml", o);
      EXPECT_EQ(c.script_location, "/p/migrations") << t.name;
    }
  }
}

TEST(TemplatesTest, RevisionTemplateHasHeaderPlaceholder) {
  const std::string t = revision_template();
  EXPECT_EQ(t.rfind("-- migrate:revision\n{{header}}\n", 0), 0u);
  EXPECT_NE(t.find("-- migrate:upgrade"), std::string::npos);
  EXPECT_NE(t.find("-- migrate:downgrade"), std::string::npos);
}

TEST(TemplatesTest, WriteProjectCreatesFilesAndVersions) {
  test::TempDir dir;
  const auto target = dir.path() / "proj" / "migrations";
  write_project(target, *find_project_template("generic"), "migrations");
  EXPECT_TRUE(fs::is_directory(target / "versions"));
  const std::string toml = test::read_file(target / "migrate.toml");
  EXPECT_NE(toml.find("script_location = \"migrations\""), std::string::npos);
  EXPECT_TRUE(fs::exists(target / "README"));
}

TEST(TemplatesTest, WriteProjectRefusesNonEmptyFolder) {
  test::TempDir dir;
  dir.write("proj/file.txt", "x");
  try {
    write_project(dir.path() / "proj", *find_project_template("generic"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "Directory " + (dir.path() / "proj").string() + " already exists and is not empty");
  }
  fs::create_directories(dir.path() / "empty");
  EXPECT_NO_THROW(write_project(dir.path() / "empty", *find_project_template("postgresql")));
}

}  // namespace
}  // namespace migrate::script
