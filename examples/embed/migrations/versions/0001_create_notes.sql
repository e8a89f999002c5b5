-- migrate:revision
-- revision = "e1a0c0000001"
-- down_revision = ""
-- message = "create notes"

-- migrate:upgrade
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);

-- migrate:downgrade
DROP TABLE notes;
