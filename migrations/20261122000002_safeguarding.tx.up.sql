-- Safeguarding: concerns, the safeguarding leads' actions on them, and
-- members' check-ins on rounds.
--
-- A concern is read only by the group's safeguarding leads and the member
-- who raised it; its text never goes into audit_events, logs or exports.
-- Its status is the status the latest action left it in; concern_actions
-- is append-only and keeps the history.
CREATE TABLE concerns (
  id           TEXT PRIMARY KEY,
  group_id     TEXT NOT NULL REFERENCES groups (id),
  raised_by    TEXT NOT NULL REFERENCES members (id),
  text         TEXT NOT NULL,
  round_id     TEXT REFERENCES rounds (id),
  proposal_id  TEXT REFERENCES proposals (id),
  member_id    TEXT REFERENCES members (id),
  source       TEXT NOT NULL CHECK (source IN ('form', 'checkin')),
  checkin_zone TEXT NOT NULL DEFAULT '' CHECK (checkin_zone IN ('', 'comfort', 'stretch', 'panic')),
  status       TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'closed')),
  created_at   TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL,
  updated_at   TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL
);
--bun:split
CREATE INDEX concerns_group_idx ON concerns (group_id, id);
--bun:split
-- "Your concerns": a member lists the concerns they raised.
CREATE INDEX concerns_raised_by_idx ON concerns (raised_by, id);
--bun:split
CREATE TABLE concern_actions (
  id         TEXT PRIMARY KEY,
  concern_id TEXT NOT NULL REFERENCES concerns (id),
  group_id   TEXT NOT NULL REFERENCES groups (id),
  actor_id   TEXT NOT NULL REFERENCES members (id),
  action     TEXT NOT NULL,
  outcome    TEXT NOT NULL DEFAULT '',
  learning   TEXT NOT NULL DEFAULT '',
  status     TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'closed')),
  created_at TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL
);
--bun:split
CREATE INDEX concern_actions_concern_idx ON concern_actions (concern_id, id);
--bun:split
-- One check-in per member and round, changed in place: it is private to
-- the member, who may change or withdraw it (a withdrawn check-in is
-- deleted), and facilitators see only counts unless shared is set.
CREATE TABLE checkins (
  round_id   TEXT NOT NULL REFERENCES rounds (id),
  member_id  TEXT NOT NULL REFERENCES members (id),
  group_id   TEXT NOT NULL REFERENCES groups (id),
  zone       TEXT NOT NULL CHECK (zone IN ('comfort', 'stretch', 'panic')),
  shared     BOOLEAN NOT NULL DEFAULT FALSE,
  created_at TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL,
  updated_at TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL,
  PRIMARY KEY (round_id, member_id)
);
