DROP TABLE audit_events;
--bun:split
DROP TABLE reflections;
--bun:split
DROP TABLE decisions;
--bun:split
DROP TABLE ratings_current;
--bun:split
DROP TABLE rating_events;
--bun:split
DROP TABLE agenda_items;
--bun:split
DROP TABLE proposal_links;
--bun:split
DROP TABLE proposals;
--bun:split
DROP TABLE invites;
--bun:split
DROP TABLE role_assignments;
--bun:split
DROP TABLE rounds;
--bun:split
DROP TABLE sessions;
--bun:split
DROP TABLE members;
--bun:split
DROP TABLE rule_versions;
--bun:split
DROP TABLE groups;
--bun:split
DROP TABLE accounts;
--bun:split
DROP TABLE kv_store;
