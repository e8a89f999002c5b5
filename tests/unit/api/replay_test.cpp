// api::Replay::walk on a real SQLite file: every revision of a varied history replayed, and
// the schema handed to `visit` after each step (read in part: only what the step changed)
// exactly the one a full read of the scratch database returns at that moment.
#include "api/replay.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config.hpp"
#include "runtime/run_control.hpp"
#include "schema/model.hpp"
#include "support/temp_dir.hpp"

namespace migrate::api {
namespace {

/// A revision file: `id` after `down`, upgrading with `up` (downgrades are never run here).
std::string revision_text(const std::string& id, const std::string& down, const std::string& up) {
  return "-- migrate:revision\n-- revision = \"" + id + "\"\n-- down_revision = \"" + down + "\"\n-- message = \"" +
         id + "\"\n\n-- migrate:upgrade\n" + up + "\n\n-- migrate:downgrade\nSELECT 1;\n";
}

TEST(ReplayWalkTest, EachStateReadInPartIsWhatAFullReadReturns) {
  const std::vector<std::string> history = {
      "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE);",
      "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES Users (ID), title TEXT);\n"
      "CREATE INDEX posts_user ON posts (user_id);",
      "CREATE TABLE comments (id INTEGER PRIMARY KEY, ref INTEGER REFERENCES later (code));",
      "CREATE TABLE Later (CODE INTEGER PRIMARY KEY);",
      "ALTER TABLE posts ADD COLUMN body TEXT;",
      "CREATE VIEW user_posts AS SELECT u.email AS email, p.\"title\" FROM users u JOIN posts p ON p.user_id = u.id;",
      "CREATE VIEW post_counts AS SELECT email, count(*) AS n FROM user_posts GROUP BY email;",
      "CREATE TRIGGER posts_touch AFTER UPDATE ON posts BEGIN UPDATE users SET email = email WHERE id = NEW.user_id; "
      "END;",
      "ALTER TABLE users RENAME COLUMN email TO mail;",
      "CREATE TABLE new_comments (id INTEGER PRIMARY KEY, ref INTEGER REFERENCES later (code), note TEXT);\n"
      "INSERT INTO new_comments (id, ref) SELECT id, ref FROM comments;\nDROP TABLE comments;\n"
      "ALTER TABLE new_comments RENAME TO comments;",
      "ALTER TABLE users RENAME TO members;",
      "ALTER TABLE posts DROP COLUMN body;",
      "DROP INDEX posts_user;\nCREATE UNIQUE INDEX posts_title ON posts (title DESC) WHERE title IS NOT NULL;",
      "DROP TRIGGER posts_touch;",
      "DROP VIEW post_counts;\nDROP VIEW user_posts;\nDROP TABLE posts;",
      "DROP TABLE Later;",
  };
  test::TempDir dir;
  std::string parent;
  for (std::size_t i = 0; i < history.size(); ++i) {
    const std::string id = "r" + std::to_string(100 + i);
    dir.write("migrations/versions/" + id + ".sql", revision_text(id, parent, history[i]));
    parent = id;
  }
  const auto url = "sqlite:///" + (dir.path() / "scratch.db").string();
  auto project = Project::load(config::load_from_string("script_location = \"migrations\"\n[database]\nurl = \"" +
                                                            url + "\"\n",
                                                        dir.path() / "migrate.toml", {}));
  auto db = backend::open(url);
  runtime::StopToken stop;
  Replay replay(project, *db, stop);
  std::vector<std::size_t> tables;
  replay.walk([&](const std::vector<std::string>& rows, const schema::Schema& state) {
    const auto full = replay.read();
    EXPECT_EQ(schema::canonical_text(state), schema::canonical_text(full)) << "at " << (rows.empty() ? "base" : rows[0]);
    EXPECT_EQ(schema::fingerprint(state), schema::fingerprint(full));
    tables.push_back(state.tables.size());
  });
  EXPECT_EQ(tables, (std::vector<std::size_t>{0, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 2}));
}

}  // namespace
}  // namespace migrate::api
