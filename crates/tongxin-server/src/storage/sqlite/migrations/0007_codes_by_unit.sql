-- Household codes are handed out per building: the unit they were issued
-- for (what "participation by unit" counts) and when staff revoked them
-- unused. A revoked code opens nothing.
ALTER TABLE codes ADD COLUMN unit_id INTEGER;
ALTER TABLE codes ADD COLUMN revoked_at INTEGER;
CREATE INDEX codes_target ON codes(target_kind, target_id, unit_id);
