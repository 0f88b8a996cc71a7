-- Key-value rows behind fiber's sessions, CSRF tokens and rate limits, so
-- they survive restarts and are shared by every instance.
CREATE TABLE kv_store (
  k   TEXT PRIMARY KEY,
  v   {{if eq .Dialect "pg"}}BYTEA{{else}}BLOB{{end}} NOT NULL,
  exp BIGINT NOT NULL DEFAULT 0
);
--bun:split
CREATE INDEX kv_store_exp_idx ON kv_store (exp);
--bun:split
-- The domain schema. Ids are UUIDv7 text issued by engine.NewID. Every time
-- is UTC (TIMESTAMPTZ on PostgreSQL; on SQLite bun writes sortable UTC text,
-- so comparisons and max() work on it). JSON documents are written and read
-- whole with encoding/json (JSONB on PostgreSQL, TEXT on SQLite).
--
-- Rows are never deleted (erasure blanks a member), so a foreign key needs
-- an index only where a query reads by it; rating_events and
-- ratings_current, written on every rating, carry no other index.
--
-- Columns naming who did something (created_by, assigned_by, entered_by,
-- decided_by, actor_id) hold an account id or a member id depending on the
-- action, and are written before the member row in some transactions, so
-- they carry no foreign key. Every other reference does.
--
-- rounds.revision is not part of the engine's types: the store increments it
-- on every change an analysis of the round reads except ratings (agenda,
-- proposals, decisions, members, settings), and RoundVersion combines it with
-- the count and largest id of the round's rating events, so no counter row
-- is locked by every rating.
CREATE TABLE accounts (
  id            TEXT PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at    TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL
);
--bun:split
CREATE TABLE groups (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  settings      {{if eq .Dialect "pg"}}JSONB{{else}}TEXT{{end}} NOT NULL,
  created_by    TEXT NOT NULL,
  created_at    TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL,
  updated_at    TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL,
  pseudonym_key TEXT NOT NULL DEFAULT ''
);
--bun:split
CREATE TABLE rule_versions (
  group_id       TEXT NOT NULL REFERENCES groups (id),
  version        INTEGER NOT NULL CHECK (version >= 1),
  consensus_rule {{if eq .Dialect "pg"}}JSONB{{else}}TEXT{{end}} NOT NULL,
  created_at     TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL,
  created_by     TEXT NOT NULL,
  PRIMARY KEY (group_id, version)
);
--bun:split
CREATE TABLE members (
  id               TEXT PRIMARY KEY,
  group_id         TEXT NOT NULL REFERENCES groups (id),
  account_id       TEXT REFERENCES accounts (id),
  display_name     TEXT NOT NULL,
  perspective      TEXT NOT NULL DEFAULT '',
  role             TEXT NOT NULL CHECK (role IN ('member', 'facilitator', 'observer', 'evaluator', 'safeguarding_lead')),
  research_consent BOOLEAN NOT NULL DEFAULT FALSE,
  reasons_consent  BOOLEAN NOT NULL DEFAULT FALSE,
  access_needs     TEXT NOT NULL DEFAULT '',
  created_at       TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL,
  erased_at        TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}}
);
--bun:split
-- One membership per account and group; invited members have no account.
CREATE UNIQUE INDEX members_group_account_key ON members (group_id, account_id) WHERE account_id IS NOT NULL;
--bun:split
CREATE INDEX members_group_idx ON members (group_id, id);
--bun:split
CREATE INDEX members_account_idx ON members (account_id);
--bun:split
CREATE TABLE sessions (
  hash       TEXT PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('account', 'member', 'api_token')),
  name       TEXT NOT NULL DEFAULT '',
  account_id TEXT REFERENCES accounts (id),
  member_id  TEXT REFERENCES members (id),
  created_at TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL,
  expires_at TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL,
  revoked_at TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}},
  CHECK (account_id IS NOT NULL OR member_id IS NOT NULL)
);
--bun:split
CREATE INDEX sessions_account_idx ON sessions (account_id);
--bun:split
CREATE INDEX sessions_member_idx ON sessions (member_id);
--bun:split
CREATE TABLE rounds (
  id           TEXT PRIMARY KEY,
  group_id     TEXT NOT NULL REFERENCES groups (id),
  number       INTEGER NOT NULL CHECK (number >= 1),
  prompt       TEXT NOT NULL DEFAULT '',
  state        TEXT NOT NULL CHECK (state IN ('draft', 'proposing', 'rating', 'closed')),
  combined     BOOLEAN NOT NULL DEFAULT FALSE,
  opens_at     TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}},
  closes_at    TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}},
  carry_rules  {{if eq .Dialect "pg"}}JSONB{{else}}TEXT{{end}} NOT NULL,
  rule_version INTEGER NOT NULL DEFAULT 0 CHECK (rule_version >= 0),
  created_at   TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL,
  opened_at    TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}},
  closed_at    TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}},
  revision     BIGINT NOT NULL DEFAULT 0,
  UNIQUE (group_id, number)
);
--bun:split
-- RoundsDue: drafts waiting to open, open rounds waiting to close.
CREATE INDEX rounds_opens_due_idx ON rounds (opens_at) WHERE state = 'draft';
--bun:split
CREATE INDEX rounds_closes_due_idx ON rounds (closes_at) WHERE state IN ('proposing', 'rating');
--bun:split
CREATE TABLE role_assignments (
  id          TEXT PRIMARY KEY,
  member_id   TEXT NOT NULL REFERENCES members (id),
  round_id    TEXT REFERENCES rounds (id),
  role        TEXT NOT NULL CHECK (role IN ('member', 'facilitator', 'observer', 'evaluator', 'safeguarding_lead')),
  assigned_by TEXT NOT NULL,
  created_at  TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL
);
--bun:split
CREATE INDEX role_assignments_member_idx ON role_assignments (member_id);
--bun:split
CREATE INDEX role_assignments_round_idx ON role_assignments (round_id);
--bun:split
CREATE TABLE invites (
  id          TEXT PRIMARY KEY,
  group_id    TEXT NOT NULL REFERENCES groups (id),
  kind        TEXT NOT NULL CHECK (kind IN ('single_use', 'reusable')),
  role        TEXT NOT NULL CHECK (role IN ('member', 'facilitator', 'observer', 'evaluator', 'safeguarding_lead')),
  perspective TEXT NOT NULL DEFAULT '',
  label       TEXT NOT NULL DEFAULT '',
  uses        INTEGER NOT NULL DEFAULT 0 CHECK (uses >= 0),
  max_uses    INTEGER NOT NULL CHECK (max_uses >= 1),
  expires_at  TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL,
  revoked_at  TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}},
  created_by  TEXT NOT NULL,
  created_at  TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL,
  token_hash  TEXT NOT NULL UNIQUE,
  CHECK (uses <= max_uses)
);
--bun:split
CREATE INDEX invites_group_idx ON invites (group_id, id);
--bun:split
CREATE TABLE proposals (
  id                TEXT PRIMARY KEY,
  group_id          TEXT NOT NULL REFERENCES groups (id),
  round_id          TEXT NOT NULL REFERENCES rounds (id),
  author_id         TEXT REFERENCES members (id),
  text              TEXT NOT NULL,
  easy_read         TEXT NOT NULL DEFAULT '',
  state             TEXT NOT NULL CHECK (state IN ('visible', 'hidden', 'superseded')),
  moderation_reason TEXT NOT NULL DEFAULT '',
  created_by        TEXT NOT NULL,
  created_at        TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL
);
--bun:split
CREATE INDEX proposals_group_idx ON proposals (group_id, id);
--bun:split
CREATE INDEX proposals_round_idx ON proposals (round_id);
--bun:split
CREATE INDEX proposals_author_idx ON proposals (author_id);
--bun:split
-- Lineage: proposal_id supersedes parent_id by rewording, merging or splitting.
CREATE TABLE proposal_links (
  proposal_id TEXT NOT NULL REFERENCES proposals (id),
  parent_id   TEXT NOT NULL REFERENCES proposals (id),
  kind        TEXT NOT NULL CHECK (kind IN ('reword', 'merge', 'split')),
  PRIMARY KEY (proposal_id, parent_id),
  CHECK (proposal_id <> parent_id)
);
--bun:split
CREATE INDEX proposal_links_parent_idx ON proposal_links (parent_id);
--bun:split
CREATE TABLE agenda_items (
  round_id          TEXT NOT NULL REFERENCES rounds (id),
  proposal_id       TEXT NOT NULL REFERENCES proposals (id),
  source            TEXT NOT NULL CHECK (source IN ('new', 'carried', 'revisit')),
  baseline_round_id TEXT REFERENCES rounds (id),
  position          INTEGER NOT NULL CHECK (position >= 0),
  created_at        TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL,
  PRIMARY KEY (round_id, proposal_id)
);
--bun:split
CREATE INDEX agenda_items_proposal_idx ON agenda_items (proposal_id);
--bun:split
CREATE INDEX agenda_items_baseline_idx ON agenda_items (baseline_round_id);
--bun:split
-- Append-only: a rating is never updated or deleted; ratings_current points
-- at the latest event per (round, proposal, member). A pass has no value.
CREATE TABLE rating_events (
  id                TEXT PRIMARY KEY,
  group_id          TEXT NOT NULL REFERENCES groups (id),
  round_id          TEXT NOT NULL REFERENCES rounds (id),
  proposal_id       TEXT NOT NULL REFERENCES proposals (id),
  member_id         TEXT NOT NULL REFERENCES members (id),
  value             INTEGER CHECK (value BETWEEN -1 AND 9),
  pass              BOOLEAN NOT NULL,
  reason            TEXT NOT NULL DEFAULT '',
  mode              TEXT NOT NULL CHECK (mode IN ('self', 'assisted', 'in_room', 'paper')),
  change_category   TEXT NOT NULL DEFAULT '' CHECK (change_category IN ('', 'new_information', 'discussion', 'others_views', 'lived_experience', 'other')),
  previous_event_id TEXT REFERENCES rating_events (id),
  entered_by        TEXT NOT NULL,
  idempotency_key   TEXT,
  body_hash         TEXT NOT NULL DEFAULT '',
  created_at        TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL,
  CHECK ((pass AND value IS NULL) OR (NOT pass AND value IS NOT NULL))
);
--bun:split
CREATE UNIQUE INDEX rating_events_idempotency_key ON rating_events (member_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
--bun:split
CREATE INDEX rating_events_group_idx ON rating_events (group_id, created_at, id);
--bun:split
CREATE INDEX rating_events_round_idx ON rating_events (round_id, id);
--bun:split
CREATE TABLE ratings_current (
  round_id    TEXT NOT NULL REFERENCES rounds (id),
  proposal_id TEXT NOT NULL REFERENCES proposals (id),
  member_id   TEXT NOT NULL REFERENCES members (id),
  event_id    TEXT NOT NULL REFERENCES rating_events (id),
  PRIMARY KEY (round_id, proposal_id, member_id)
);
--bun:split
CREATE TABLE decisions (
  id          TEXT PRIMARY KEY,
  group_id    TEXT NOT NULL REFERENCES groups (id),
  round_id    TEXT NOT NULL REFERENCES rounds (id),
  proposal_id TEXT NOT NULL REFERENCES proposals (id),
  outcome     TEXT NOT NULL CHECK (outcome IN ('adopted', 'not_adopted', 'revisit', 'parked')),
  rationale   TEXT NOT NULL DEFAULT '',
  evidence    {{if eq .Dialect "pg"}}JSONB{{else}}TEXT{{end}} NOT NULL,
  review_date TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}},
  decided_by  TEXT NOT NULL,
  created_at  TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL,
  UNIQUE (round_id, proposal_id)
);
--bun:split
CREATE INDEX decisions_group_idx ON decisions (group_id, id);
--bun:split
CREATE INDEX decisions_proposal_idx ON decisions (proposal_id);
--bun:split
CREATE TABLE reflections (
  id         TEXT PRIMARY KEY,
  group_id   TEXT NOT NULL REFERENCES groups (id),
  round_id   TEXT NOT NULL REFERENCES rounds (id),
  member_id  TEXT NOT NULL REFERENCES members (id),
  text       TEXT NOT NULL,
  created_at TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL
);
--bun:split
CREATE INDEX reflections_group_idx ON reflections (group_id, id);
--bun:split
CREATE INDEX reflections_round_idx ON reflections (round_id);
--bun:split
CREATE INDEX reflections_member_idx ON reflections (member_id);
--bun:split
-- Append-only: who did what to which thing, never any content. Events that
-- belong to no group (an account signing up) have no group_id.
CREATE TABLE audit_events (
  id           TEXT PRIMARY KEY,
  group_id     TEXT REFERENCES groups (id),
  actor_id     TEXT,
  action       TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_id   TEXT NOT NULL,
  created_at   TIMESTAMP{{if eq .Dialect "pg"}}TZ{{end}} NOT NULL
);
--bun:split
CREATE INDEX audit_events_group_idx ON audit_events (group_id, id);
