-- migrate:revision
-- revision = "5e8f1c4b03d6"
-- down_revision = ["3c5a9e2f61d8", "4d7e0b3a92c5"]
-- message = "merge api keys and plugins"
-- create_date = "2026-11-05 09:00:00.000000"

-- migrate:upgrade

-- migrate:downgrade
