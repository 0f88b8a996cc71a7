-- A member's own pages (their ratings, the results they may see) read that
-- member's current ratings of a round on every view. Through the primary
-- key (round, proposal, member) that meant walking the whole round's
-- ratings; this index goes straight to the member's.
CREATE INDEX ratings_current_member_idx ON ratings_current (member_id, round_id);
