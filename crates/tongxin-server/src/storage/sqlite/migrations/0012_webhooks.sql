-- Events out for host sites (issue 35): endpoints staff register, the
-- events that happened (once each: a type and a subject), and where each
-- event stands for each endpoint — the durable outbox the delivery worker
-- reads, which survives restarts and kill -9. (No foreign keys: rows are
-- only added, and `migrate --to postgres://` moves tables in name order.)
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY,
    scope_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    disabled_at INTEGER
);
CREATE INDEX webhooks_scope ON webhooks(scope_id);

CREATE TABLE webhook_events (
    event_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    scope_id INTEGER NOT NULL,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (kind, subject)
);

CREATE TABLE webhook_deliveries (
    event_id TEXT NOT NULL,
    webhook_id INTEGER NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_at INTEGER,
    lease_until INTEGER,
    last_status INTEGER,
    last_error TEXT,
    delivered_at INTEGER,
    PRIMARY KEY (event_id, webhook_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state, next_at);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, event_id);
