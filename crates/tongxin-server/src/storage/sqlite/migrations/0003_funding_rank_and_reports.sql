-- Sorting the proposal board by funding progress needs the progress as a
-- column (permille of the goal; 0 without a goal), kept by every proposal
-- save and pledge.
ALTER TABLE proposals ADD COLUMN funding_permille INTEGER NOT NULL DEFAULT 0;
UPDATE proposals SET funding_permille = CASE
    WHEN json_extract(data, '$.funding_goal_fen') > 0 THEN
      COALESCE((SELECT SUM(amount_fen) FROM pledges WHERE pledges.proposal_id = proposals.id), 0) * 1000
        / json_extract(data, '$.funding_goal_fen')
    ELSE 0 END;
CREATE INDEX proposals_funding ON proposals(funding_permille, id);

-- Residents report comments for moderation: one report per voter and
-- comment; a comment with enough reports is hidden until staff look at it.
ALTER TABLE comments ADD COLUMN reports INTEGER NOT NULL DEFAULT 0;
CREATE TABLE comment_reports (
    comment_id INTEGER NOT NULL,
    voter TEXT NOT NULL,
    reason TEXT,
    reported_at INTEGER NOT NULL,
    PRIMARY KEY (comment_id, voter)
) WITHOUT ROWID;
