-- Tallies in parts (issue 36): each writer of each instance adds its ballots
-- to its own part of a poll's tally, so ballots never queue on one row;
-- readers add `polls.tally` and the parts up, and a change or retraction
-- folds the parts back into `polls.tally`. PostgreSQL only: SQLite has one
-- writer. `ballots` repeats the part's count so a receipt's total is summed
-- in SQL without reading every part.
CREATE TABLE poll_tally_parts (
    poll_id BIGINT NOT NULL,
    part BIGINT NOT NULL,
    tally TEXT NOT NULL,
    ballots BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (poll_id, part)
);
