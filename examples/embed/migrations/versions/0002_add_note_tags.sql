-- migrate:revision
-- revision = "e1a0c0000002"
-- down_revision = "e1a0c0000001"
-- message = "add note tags"

-- migrate:upgrade
CREATE TABLE note_tags (note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE, tag TEXT NOT NULL);
CREATE INDEX note_tags_tag ON note_tags (tag);

-- migrate:downgrade
DROP TABLE note_tags;
