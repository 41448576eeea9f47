-- Tongxin reference schema, migration 1.
-- Items keep their full domain object as JSON in `data`; the columns beside
-- it exist for filtering, sorting and uniqueness.

CREATE TABLE scopes (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES scopes(id),
    level TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT
);

CREATE TABLE polls (
    id INTEGER PRIMARY KEY,
    scope_id INTEGER NOT NULL REFERENCES scopes(id),
    data TEXT NOT NULL,
    tally TEXT NOT NULL
);
CREATE INDEX polls_scope ON polls(scope_id);

-- Ballots of non-anonymous polls: one row per voter.
CREATE TABLE ballots (
    poll_id INTEGER NOT NULL,
    voter TEXT NOT NULL,
    ballot TEXT NOT NULL,
    cast_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (poll_id, voter)
) WITHOUT ROWID;

-- Anonymous polls: who took part, with no link to any choice.
CREATE TABLE participations (
    poll_id INTEGER NOT NULL,
    voter TEXT NOT NULL,
    PRIMARY KEY (poll_id, voter)
) WITHOUT ROWID;

CREATE TABLE codes (
    hash TEXT PRIMARY KEY,
    target_kind TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    issued_at INTEGER NOT NULL,
    first_used_at INTEGER
);

CREATE TABLE conventions (
    id INTEGER PRIMARY KEY,
    scope_id INTEGER NOT NULL REFERENCES scopes(id),
    data TEXT NOT NULL
);

CREATE TABLE signatures (
    id INTEGER PRIMARY KEY,
    convention_id INTEGER NOT NULL,
    voter TEXT NOT NULL,
    version INTEGER NOT NULL,
    display_name TEXT NOT NULL,
    unit_id INTEGER NOT NULL,
    team TEXT,
    role TEXT NOT NULL,
    signed_at INTEGER NOT NULL,
    withdrawn_at INTEGER
);
CREATE UNIQUE INDEX signatures_one_active ON signatures(convention_id, voter, version) WHERE withdrawn_at IS NULL;
CREATE INDEX signatures_list ON signatures(convention_id, id);

CREATE TABLE proposals (
    id INTEGER PRIMARY KEY,
    scope_id INTEGER NOT NULL REFERENCES scopes(id),
    step TEXT NOT NULL,
    status TEXT NOT NULL,
    supports INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    proposer_voter TEXT NOT NULL,
    contact TEXT,
    data TEXT NOT NULL
);

CREATE TABLE supports (
    proposal_id INTEGER NOT NULL,
    voter TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (proposal_id, voter)
) WITHOUT ROWID;

CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL,
    parent_id INTEGER,
    voter TEXT NOT NULL,
    author_name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX comments_proposal ON comments(proposal_id, id);

CREATE TABLE pledges (
    id INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL,
    voter TEXT NOT NULL,
    source TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    public_name TEXT,
    pledged_at INTEGER NOT NULL
);
CREATE INDEX pledges_proposal ON pledges(proposal_id, id);

CREATE TABLE ledger (
    id INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    memo TEXT NOT NULL,
    recorded_at INTEGER NOT NULL
);
CREATE INDEX ledger_proposal ON ledger(proposal_id, id);

CREATE TABLE transitions (
    id INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX transitions_proposal ON transitions(proposal_id, id);

CREATE TABLE evaluations (
    proposal_id INTEGER NOT NULL,
    voter TEXT NOT NULL,
    score INTEGER NOT NULL,
    comment TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (proposal_id, voter)
) WITHOUT ROWID;

-- Answers of writes by idempotency key, replayed on retry.
CREATE TABLE idempotency (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
