-- Paper, door-to-door and meeting participation (issue 34).
-- A batch is what one staff member keys in one go; the entering staff
-- member is recorded here, for the batch, never beside a choice.
CREATE TABLE paper_batches (
    id INTEGER PRIMARY KEY,
    target_kind TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    channel TEXT NOT NULL,
    double_entry INTEGER NOT NULL,
    label TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    opened_at INTEGER NOT NULL
);
CREATE INDEX paper_batches_target ON paper_batches(target_kind, target_id);

-- One row per counted keyed entry: which household (the same voter key an
-- online answer would have had, so either channel refuses the other) and
-- how it came. Never the choice: that is in the item's ballots or tally,
-- exactly as an online answer's.
CREATE TABLE paper_entries (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES paper_batches(id),
    target_kind TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    unit_id INTEGER,
    voter TEXT NOT NULL,
    channel TEXT NOT NULL,
    coded INTEGER NOT NULL,
    entered_at INTEGER NOT NULL,
    voided_at INTEGER,
    void_reason TEXT
);
CREATE INDEX paper_entries_voter ON paper_entries(target_kind, target_id, voter);
CREATE INDEX paper_entries_batch ON paper_entries(batch_id);

-- Keyings of slips in double-entry batches, until two people agree; then
-- they are deleted and the slip is counted like any other entry.
CREATE TABLE paper_keyings (
    batch_id INTEGER NOT NULL REFERENCES paper_batches(id),
    slip TEXT NOT NULL,
    slip_label TEXT NOT NULL,
    keyed_by TEXT NOT NULL,
    entry TEXT NOT NULL,
    keyed_at INTEGER NOT NULL,
    PRIMARY KEY (batch_id, slip, keyed_by)
) WITHOUT ROWID;

-- Residents' meetings counted as one batch, apart from individual answers.
CREATE TABLE meeting_tallies (
    id INTEGER PRIMARY KEY,
    target_kind TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    unit_id INTEGER,
    data TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at INTEGER NOT NULL,
    voided_at INTEGER,
    void_reason TEXT
);
CREATE INDEX meeting_tallies_target ON meeting_tallies(target_kind, target_id);
