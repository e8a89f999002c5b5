-- Tenants get string ids from day one (seed incident 001: integer ids had to become strings
-- across seven tables later).
-- migrate:revision
-- revision = "1975ea83b712"
-- down_revision = ""
-- message = "create tenants"
-- create_date = "2026-11-02 09:00:00.000000"

-- migrate:upgrade
CREATE TABLE tenants (
    id VARCHAR(50) PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    plan VARCHAR(30) NOT NULL DEFAULT 'free',
    status VARCHAR(20) NOT NULL DEFAULT 'active',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_tenants_status ON tenants (status);
INSERT INTO tenants (id, name) VALUES ('default', 'Default tenant');

-- migrate:downgrade
DROP INDEX ix_tenants_status;
DROP TABLE tenants;
