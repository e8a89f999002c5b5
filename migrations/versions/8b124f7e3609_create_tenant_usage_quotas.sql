-- Seed incident 000: the service needed tenant_usage_quotas and no migration created it.
-- migrate:revision
-- revision = "8b124f7e3609"
-- down_revision = "7a013e6d25f8"
-- message = "create tenant usage quotas"
-- create_date = "2026-11-08 09:00:00.000000"

-- migrate:upgrade
CREATE TABLE tenant_usage_quotas (
    tenant_id VARCHAR(50) NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    usage_date DATE NOT NULL,
    pipelines_run_today INTEGER NOT NULL DEFAULT 0,
    daily_limit INTEGER NOT NULL DEFAULT 100,
    PRIMARY KEY (tenant_id, usage_date)
);

-- migrate:downgrade
DROP TABLE tenant_usage_quotas;
