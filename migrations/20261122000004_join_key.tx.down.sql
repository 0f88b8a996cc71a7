DROP INDEX members_join_key_hash_key;
--bun:split
ALTER TABLE members DROP COLUMN join_key_hash;
