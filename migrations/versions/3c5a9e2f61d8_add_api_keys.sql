-- First of two parallel branches off 2b1f8c9d0e47 (labelled "access").
-- migrate:revision
-- revision = "3c5a9e2f61d8"
-- down_revision = "2b1f8c9d0e47"
-- branch_labels = ["access"]
-- message = "add api keys"
-- create_date = "2026-11-04 09:00:00.000000"

-- migrate:upgrade
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key_hash CHAR(64) NOT NULL UNIQUE,
    label VARCHAR(100) NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    revoked_at TIMESTAMP
);

-- migrate:downgrade
DROP TABLE api_keys;
