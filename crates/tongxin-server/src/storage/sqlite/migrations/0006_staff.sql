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
