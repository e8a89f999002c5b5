-- migrate:revision
-- revision = "2b1f8c9d0e47"
-- down_revision = "1975ea83b712"
-- message = "create users and subscription tiers"
-- create_date = "2026-11-03 09:00:00.000000"

-- migrate:upgrade
CREATE TABLE subscription_tiers (
    id INTEGER PRIMARY KEY,
    name VARCHAR(50) NOT NULL UNIQUE,
    monthly_request_limit INTEGER NOT NULL,
    max_concurrent_pipelines INTEGER NOT NULL DEFAULT 1
);
INSERT INTO subscription_tiers (id, name, monthly_request_limit, max_concurrent_pipelines) VALUES
    (1, 'free', 1000, 1),
    (2, 'team', 100000, 5),
    (3, 'enterprise', 10000000, 50);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    tenant_id VARCHAR(50) NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email VARCHAR(320) NOT NULL UNIQUE,
    tier_id INTEGER REFERENCES subscription_tiers (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_users_tenant_id ON users (tenant_id);

-- migrate:downgrade
DROP INDEX ix_users_tenant_id;
DROP TABLE users;
DROP TABLE subscription_tiers;
