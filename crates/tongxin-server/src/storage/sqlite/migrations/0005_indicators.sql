-- Governance indicators: households per scope (recorded on buildings,
-- summed upwards) and the snapshots the periodic job writes.
ALTER TABLE scopes ADD COLUMN households INTEGER CHECK (households IS NULL OR households >= 0);

CREATE TABLE indicator_snapshots (
    scope_id INTEGER NOT NULL,
    period TEXT NOT NULL,
    computed_at INTEGER NOT NULL,
    read_at INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (scope_id, period)
) WITHOUT ROWID;
CREATE INDEX indicator_snapshots_read ON indicator_snapshots(read_at);
