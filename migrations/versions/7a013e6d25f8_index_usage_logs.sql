-- Index builds on a busy table: PostgreSQL builds them CONCURRENTLY, which cannot run inside a
-- transaction, so the revision is non-transactional and each statement runs on its own.
-- migrate:revision
-- revision = "7a013e6d25f8"
-- down_revision = "6f902d5c14e7"
-- message = "index usage logs"
-- create_date = "2026-11-07 09:00:00.000000"
-- transactional = false

-- migrate:upgrade
CREATE INDEX ix_usage_logs_tenant_created ON usage_logs (tenant_id, created_at);
CREATE INDEX ix_usage_logs_user_id ON usage_logs (user_id);

-- migrate:upgrade dialect=postgresql
CREATE INDEX CONCURRENTLY ix_usage_logs_tenant_created ON usage_logs (tenant_id, created_at);
CREATE INDEX CONCURRENTLY ix_usage_logs_user_id ON usage_logs (user_id);

-- migrate:downgrade
DROP INDEX ix_usage_logs_user_id;
DROP INDEX ix_usage_logs_tenant_created;

-- migrate:downgrade dialect=postgresql
DROP INDEX CONCURRENTLY ix_usage_logs_user_id;
DROP INDEX CONCURRENTLY ix_usage_logs_tenant_created;
