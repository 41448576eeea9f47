-- Budget rounds (issue 33): the round and its tally, as polls keep theirs.
-- The tally groups ballots by what they approve, never by who cast them.
CREATE TABLE budgets (
    id INTEGER PRIMARY KEY,
    scope_id INTEGER NOT NULL REFERENCES scopes(id),
    data TEXT NOT NULL,
    tally TEXT NOT NULL
);
CREATE INDEX budgets_scope ON budgets(scope_id);

-- Ballots of rounds that are not anonymous: one row per voter (sorted
-- project positions as JSON), so a resident can see and change theirs.
CREATE TABLE budget_ballots (
    budget_id INTEGER NOT NULL,
    voter TEXT NOT NULL,
    projects TEXT NOT NULL,
    cast_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (budget_id, voter)
) WITHOUT ROWID;

-- Anonymous rounds: who took part, never what they chose.
CREATE TABLE budget_participations (
    budget_id INTEGER NOT NULL,
    voter TEXT NOT NULL,
    PRIMARY KEY (budget_id, voter)
) WITHOUT ROWID;
