-- A join key makes joining idempotent: a form submitted twice (a double
-- click without JavaScript, a retry on a bad connection) finds the member
-- the first submission created instead of making a second one, which would
-- inflate the group's count of people who can rate. Only its hash is kept.
ALTER TABLE members ADD COLUMN join_key_hash TEXT;
--bun:split
CREATE UNIQUE INDEX members_join_key_hash_key ON members (join_key_hash) WHERE join_key_hash IS NOT NULL;
