-- The convention progress bar is polled every few seconds by every open
-- widget, so its figures are kept, not counted: active signatures per
-- convention, version and unit, changed in the same transaction as each
-- signature or withdrawal. Reading them costs one row per unit.
CREATE TABLE signature_counts (
  convention_id INTEGER NOT NULL,
  version INTEGER NOT NULL,
  unit_id INTEGER NOT NULL,
  count INTEGER NOT NULL CHECK (count >= 0),
  PRIMARY KEY (convention_id, version, unit_id)
) WITHOUT ROWID;

INSERT INTO signature_counts (convention_id, version, unit_id, count)
  SELECT convention_id, version, unit_id, COUNT(*) FROM signatures
  WHERE withdrawn_at IS NULL GROUP BY convention_id, version, unit_id;
