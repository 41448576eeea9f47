-- Scope filters ("inside this community") run in SQL: a recursive walk
-- down `scopes.parent_id`, then the items of those scopes. Both need an
-- index (PostgreSQL's schema has the same two).
CREATE INDEX scopes_parent ON scopes(parent_id);
CREATE INDEX proposals_scope ON proposals(scope_id, id);
