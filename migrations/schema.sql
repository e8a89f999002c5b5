-- SQLite schema written by migrate: canonical and dependency-ordered.
-- Run on an empty database: sqlite3 <database> < <this file>

CREATE TABLE api_keys (
    id INTEGER,
    user_id INTEGER NOT NULL,
    key_hash CHAR(64) NOT NULL,
    label VARCHAR(100) NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    revoked_at TIMESTAMP,
    PRIMARY KEY (id),
    UNIQUE (key_hash),
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE plugins (
    id INTEGER,
    tenant_id VARCHAR(50) NOT NULL,
    name VARCHAR(100) NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    config TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (id),
    UNIQUE (tenant_id, name),
    FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);

CREATE TABLE subscription_tiers (
    id INTEGER,
    name VARCHAR(50) NOT NULL,
    monthly_request_limit INTEGER NOT NULL,
    max_concurrent_pipelines INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (id),
    UNIQUE (name)
);

CREATE TABLE tenant_usage_quotas (
    tenant_id VARCHAR(50) NOT NULL,
    usage_date DATE NOT NULL,
    pipelines_run_today INTEGER NOT NULL DEFAULT 0,
    daily_limit INTEGER NOT NULL DEFAULT 100,
    pipelines_cancelled_today BIGINT NOT NULL DEFAULT 0,
    max_concurrent_reached BIGINT NOT NULL DEFAULT 0,
    quota_exceeded BOOLEAN NOT NULL DEFAULT FALSE,
    quota_warning_sent BOOLEAN NOT NULL DEFAULT FALSE,
    quota_exceeded_at TIMESTAMP,
    total_api_calls_today BIGINT NOT NULL DEFAULT 0,
    total_storage_used_gb NUMERIC(10,2) NOT NULL DEFAULT 0,
    last_pipeline_started_at TIMESTAMP,
    last_pipeline_completed_at TIMESTAMP,
    PRIMARY KEY (tenant_id, usage_date),
    FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);

CREATE TABLE tenants (
    id VARCHAR(50),
    name VARCHAR(200) NOT NULL,
    "plan" VARCHAR(30) NOT NULL DEFAULT 'free',
    status VARCHAR(20) NOT NULL DEFAULT 'active',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id)
);

CREATE TABLE usage_logs (
    id INTEGER,
    tenant_id VARCHAR(50),
    user_id INTEGER,
    tier_id INTEGER,
    api_key_id INTEGER,
    endpoint VARCHAR(200) NOT NULL,
    status_code INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    FOREIGN KEY (api_key_id) REFERENCES api_keys (id) ON DELETE SET NULL,
    FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE SET NULL,
    FOREIGN KEY (tier_id) REFERENCES subscription_tiers (id) ON DELETE SET NULL,
    FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE users (
    id INTEGER,
    tenant_id VARCHAR(50) NOT NULL,
    email VARCHAR(320) NOT NULL,
    tier_id INTEGER,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    UNIQUE (email),
    FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
    FOREIGN KEY (tier_id) REFERENCES subscription_tiers (id) ON DELETE SET NULL
);

CREATE INDEX ix_plugins_tenant_id ON plugins (tenant_id);

CREATE INDEX ix_tenants_status ON tenants (status);

CREATE INDEX ix_usage_logs_tenant_created ON usage_logs (tenant_id, created_at);

CREATE INDEX ix_usage_logs_user_id ON usage_logs (user_id);

CREATE INDEX ix_users_tenant_id ON users (tenant_id);
