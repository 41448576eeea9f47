-- Staff accounts, their roles bound to scopes, and personal API tokens
-- (only their SHA-256 is kept).
CREATE TABLE staff_users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at INTEGER NOT NULL
);

CREATE TABLE staff_grants (
    user_id INTEGER NOT NULL REFERENCES staff_users(id),
    role TEXT NOT NULL CHECK (role IN ('administrator', 'staff', 'building_head')),
    scope_id INTEGER REFERENCES scopes(id),
    CHECK ((role = 'administrator') = (scope_id IS NULL))
);
CREATE UNIQUE INDEX staff_grants_unique ON staff_grants(user_id, role, IFNULL(scope_id, 0));

CREATE TABLE staff_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES staff_users(id),
    label TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX staff_tokens_user ON staff_tokens(user_id);

-- Console sessions (only the SHA-256 of the cookie's value is kept) and
-- every sign-in attempt, which both logs them and rate-limits failures
-- (counted in the database, so every instance sees the same count).
CREATE TABLE staff_sessions (
    token_hash BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES staff_users(id),
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX staff_sessions_user ON staff_sessions(user_id);

CREATE TABLE staff_sign_ins (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    login TEXT NOT NULL,
    address TEXT,
    ok INTEGER NOT NULL CHECK (ok IN (0, 1))
);
CREATE INDEX staff_sign_ins_login ON staff_sign_ins(login, at);
CREATE INDEX staff_sign_ins_address ON staff_sign_ins(address, at);

-- Every staff action, allowed or refused: who, when, what was asked, the
-- item before and the answer after. Nothing in it can be changed.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    problem TEXT,
    request TEXT,
    before TEXT,
    after TEXT
);
CREATE INDEX audit_log_actor ON audit_log(actor, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;
