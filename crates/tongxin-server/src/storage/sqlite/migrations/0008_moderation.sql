-- A moderator hides a comment with a reason (shown to its author) or puts
-- it back. A comment is public while it has fewer reports than the
-- threshold and no moderator's reason.
ALTER TABLE comments ADD COLUMN hidden_reason TEXT;
ALTER TABLE comments ADD COLUMN hidden_at INTEGER;
CREATE INDEX comments_moderation ON comments(reports, hidden_at);
