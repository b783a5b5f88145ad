-- Sameroom workspace, schema 1. One server holds one team's workspace.

CREATE TABLE workspace (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  regions jsonb NOT NULL DEFAULT '[]',
  show_sellers boolean NOT NULL DEFAULT true,
  webhook_url text,
  -- Bumped by every change to briefs or their stats: the ETag of GET /api/v1/campaigns.
  stats_version bigint NOT NULL DEFAULT 1,
  -- The change cursor: taken under this row's lock, so cursors commit in order.
  change_seq bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE members (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('rep', 'marketer', 'admin')),
  region text,
  removed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Bearer tokens and link codes are stored as SHA-256 of the secret, never the secret.
CREATE TABLE tokens (
  hash bytea PRIMARY KEY,
  member_id uuid NOT NULL REFERENCES members(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX tokens_member ON tokens (member_id);

CREATE TABLE codes (
  hash bytea PRIMARY KEY,
  member_id uuid NOT NULL REFERENCES members(id),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Dashboard sign-ins (HttpOnly cookie); in the database so several instances share them.
CREATE TABLE sessions (
  hash bytea PRIMARY KEY,
  member_id uuid NOT NULL REFERENCES members(id),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rate_limits (
  key text NOT NULL,
  window_start timestamptz NOT NULL,
  count integer NOT NULL,
  PRIMARY KEY (key, window_start)
);

CREATE TABLE briefs (
  id uuid PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('draft', 'active', 'paused', 'ended')),
  -- The brief as protocol v1 BriefInput, validated on the way in.
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE feedback (
  id uuid PRIMARY KEY,
  member_id uuid NOT NULL REFERENCES members(id),
  campaign_id uuid REFERENCES briefs(id),
  lead_key text NOT NULL,
  crm text NOT NULL,
  object_type text NOT NULL,
  record_id text NOT NULL,
  url text,
  signals jsonb NOT NULL,
  verdict text NOT NULL,
  region text,
  note text,
  created_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  -- SHA-256 of the canonical item: the same id with the same hash is a duplicate, another is a conflict.
  hash bytea NOT NULL,
  change_seq bigint NOT NULL
);
CREATE INDEX feedback_member_change ON feedback (member_id, change_seq);
CREATE INDEX feedback_change ON feedback (change_seq);
CREATE INDEX feedback_campaign ON feedback (campaign_id, created_at);
CREATE INDEX feedback_lead ON feedback (lead_key, created_at);

CREATE TABLE replies (
  id uuid PRIMARY KEY,
  feedback_id uuid NOT NULL REFERENCES feedback(id),
  author_id uuid NOT NULL REFERENCES members(id),
  text text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX replies_feedback ON replies (feedback_id, created_at);

-- Rollups, kept in the ingest transaction. Each lead counts once, by its latest verdict.
CREATE TABLE lead_latest (
  lead_key text PRIMARY KEY,
  feedback_id uuid NOT NULL,
  campaign_key text NOT NULL, -- the brief's id, or '' for feedback no campaign matched
  verdict text NOT NULL,
  region text NOT NULL,       -- '' when none
  member_id uuid NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE verdict_counts (
  campaign_key text NOT NULL,
  region text NOT NULL,
  verdict text NOT NULL,
  leads integer NOT NULL,
  PRIMARY KEY (campaign_key, region, verdict)
);

CREATE TABLE seller_wins (
  campaign_key text NOT NULL,
  member_id uuid NOT NULL,
  won integer NOT NULL,
  PRIMARY KEY (campaign_key, member_id)
);

-- New feedback for the team's chat webhook, sent after ingest commits, retried with backoff.
CREATE TABLE webhook_queue (
  id bigserial PRIMARY KEY,
  feedback_id uuid NOT NULL REFERENCES feedback(id),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_queue_due ON webhook_queue (next_attempt_at);
