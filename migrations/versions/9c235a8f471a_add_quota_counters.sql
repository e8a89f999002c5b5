-- Seed incident 000: the nine counters and timestamps the scheduler expected.
-- Each ADD COLUMN takes a brief ACCESS EXCLUSIVE lock on a table the service writes all day:
-- on PostgreSQL, lock_timeout makes it give up (and the upgrade fail, to be retried) rather
-- than queue every query behind a long transaction.
-- migrate:revision
-- revision = "9c235a8f471a"
-- down_revision = "8b124f7e3609"
-- message = "add quota counters and timestamps"
-- create_date = "2026-11-09 09:00:00.000000"
-- lock_timeout = "5s"

-- migrate:upgrade
ALTER TABLE tenant_usage_quotas ADD COLUMN pipelines_cancelled_today BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tenant_usage_quotas ADD COLUMN max_concurrent_reached BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tenant_usage_quotas ADD COLUMN quota_exceeded BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE tenant_usage_quotas ADD COLUMN quota_warning_sent BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE tenant_usage_quotas ADD COLUMN quota_exceeded_at TIMESTAMP;
ALTER TABLE tenant_usage_quotas ADD COLUMN total_api_calls_today BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tenant_usage_quotas ADD COLUMN total_storage_used_gb NUMERIC(10, 2) NOT NULL DEFAULT 0;
ALTER TABLE tenant_usage_quotas ADD COLUMN last_pipeline_started_at TIMESTAMP;
ALTER TABLE tenant_usage_quotas ADD COLUMN last_pipeline_completed_at TIMESTAMP;

-- migrate:downgrade
ALTER TABLE tenant_usage_quotas DROP COLUMN last_pipeline_completed_at;
ALTER TABLE tenant_usage_quotas DROP COLUMN last_pipeline_started_at;
ALTER TABLE tenant_usage_quotas DROP COLUMN total_storage_used_gb;
ALTER TABLE tenant_usage_quotas DROP COLUMN total_api_calls_today;
ALTER TABLE tenant_usage_quotas DROP COLUMN quota_exceeded_at;
ALTER TABLE tenant_usage_quotas DROP COLUMN quota_warning_sent;
ALTER TABLE tenant_usage_quotas DROP COLUMN quota_exceeded;
ALTER TABLE tenant_usage_quotas DROP COLUMN max_concurrent_reached;
ALTER TABLE tenant_usage_quotas DROP COLUMN pipelines_cancelled_today;
