DROP TABLE checkins;
--bun:split
DROP TABLE concern_actions;
--bun:split
DROP TABLE concerns;
