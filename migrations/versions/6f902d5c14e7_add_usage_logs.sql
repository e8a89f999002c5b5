-- Seed incident 003: usage_logs with foreign keys to users, tiers and API keys failed on
-- existing rows. Nullable columns with ON DELETE SET NULL keep history when rows go away.
-- migrate:revision
-- revision = "6f902d5c14e7"
-- down_revision = "5e8f1c4b03d6"
-- message = "add usage logs"
-- create_date = "2026-11-06 09:00:00.000000"

-- migrate:upgrade
CREATE TABLE usage_logs (
    id INTEGER PRIMARY KEY,
    tenant_id VARCHAR(50) REFERENCES tenants (id) ON DELETE SET NULL,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    tier_id INTEGER REFERENCES subscription_tiers (id) ON DELETE SET NULL,
    api_key_id INTEGER REFERENCES api_keys (id) ON DELETE SET NULL,
    endpoint VARCHAR(200) NOT NULL,
    status_code INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- migrate:downgrade
DROP TABLE usage_logs;
