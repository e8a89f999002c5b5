-- Second parallel branch off 2b1f8c9d0e47 (labelled "plugins").
-- migrate:revision
-- revision = "4d7e0b3a92c5"
-- down_revision = "2b1f8c9d0e47"
-- branch_labels = ["plugins"]
-- message = "add plugins"
-- create_date = "2026-11-04 10:00:00.000000"

-- migrate:upgrade
CREATE TABLE plugins (
    id INTEGER PRIMARY KEY,
    tenant_id VARCHAR(50) NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name VARCHAR(100) NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    config TEXT NOT NULL DEFAULT '{}',
    UNIQUE (tenant_id, name)
);
CREATE INDEX ix_plugins_tenant_id ON plugins (tenant_id);

-- migrate:downgrade
DROP INDEX ix_plugins_tenant_id;
DROP TABLE plugins;
