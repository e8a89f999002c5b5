// `[lint]` in migrate.toml: rule id → severity, kept as written with its line.
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "core/error.hpp"

namespace migrate::config {
namespace {

Config parse(const std::string& text) { return load_from_string(text, "/p/migrate.toml", {}); }

TEST(LintConfig, SeveritiesAreKeptWithTheirLines) {
  auto c = parse("script_location = \"m\"\n\n[lint]\ndrop-column = \"error\"\nirreversible = \"off\"\n");
  EXPECT_EQ(c.lint_severities, (std::map<std::string, std::string>{{"drop-column", "error"}, {"irreversible", "off"}}));
  EXPECT_EQ(c.lint_lines.at("drop-column"), 4);
  EXPECT_EQ(c.lint_lines.at("irreversible"), 5);
  EXPECT_TRUE(parse("script_location = \"m\"\n").lint_severities.empty());
}

TEST(LintConfig, ASeverityOtherThanErrorWarningOrOffIsAConfigErrorNamingTheLine) {
  try {
    parse("script_location = \"m\"\n[lint]\ndrop-column = \"fatal\"\n");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_NE(std::string(e.what()).find("/p/migrate.toml:3: [lint] drop-column = \"fatal\""), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(parse("script_location = \"m\"\n[lint]\ndrop-column = true\n"), Error);
  EXPECT_THROW(parse("script_location = \"m\"\nlint = \"off\"\n"), Error);
}

}  // namespace
}  // namespace migrate::config
