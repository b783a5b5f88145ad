-- Sameroom workspace, schema 6. The Insights page over a million verdicts (issue 15). Each count there
-- takes every lead once, by its latest verdict *within the filters* (period, region, channel, rep), so
-- no rollup of latest verdicts answers a filtered question. insight_facts holds one narrow row per
-- verdict with, for each combination of the filtered attributes, when the lead's next verdict with the
-- same values was given (next_any: any next verdict; next_r: same region; next_c: same channel; next_p:
-- same rep; next_rc, next_rp, next_cp, next_rcp: the same pairs and all three). A verdict is its lead's
-- latest within a filter exactly when it is in the filter and its pointer for the filtered attributes
-- is empty or after the period's end: one scan, no sort by lead. ingest_batch keeps it in the same
-- statement as the feedback; insight_facts_from_feedback computes it from the feedback, which is how
-- rebuildRollups refills it and rollupDifferences checks it (workspace/domain/rollups.ts).

CREATE TABLE insight_facts (
  feedback_id uuid PRIMARY KEY,
  lead_key text NOT NULL,
  campaign_id uuid,
  region text,
  member_id uuid NOT NULL,
  verdict text NOT NULL,
  created_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  next_any timestamptz,
  next_r timestamptz,
  next_c timestamptz,
  next_p timestamptz,
  next_rc timestamptz,
  next_rp timestamptz,
  next_cp timestamptz,
  next_rcp timestamptz
);
-- Verdicts arrive roughly in the order they were given: a period reads only its part of the table.
CREATE INDEX insight_facts_created ON insight_facts USING brin (created_at);

-- The facts computed from the feedback: a lead's verdicts in order (as lead_latest orders them), and for
-- each combination the instant of the next one with the same values. The channel is the campaign's now.
CREATE VIEW insight_facts_from_feedback AS
SELECT x.id AS feedback_id, x.lead_key, x.campaign_id, x.region, x.member_id, x.verdict, x.created_at,
       x.received_at,
       lead(x.created_at) OVER (PARTITION BY x.lead_key ORDER BY x.created_at, x.received_at, x.id) AS next_any,
       lead(x.created_at) OVER (PARTITION BY x.lead_key, x.region ORDER BY x.created_at, x.received_at, x.id) AS next_r,
       lead(x.created_at) OVER (PARTITION BY x.lead_key, x.channel ORDER BY x.created_at, x.received_at, x.id) AS next_c,
       lead(x.created_at) OVER (PARTITION BY x.lead_key, x.member_id ORDER BY x.created_at, x.received_at, x.id) AS next_p,
       lead(x.created_at) OVER (PARTITION BY x.lead_key, x.region, x.channel ORDER BY x.created_at, x.received_at, x.id) AS next_rc,
       lead(x.created_at) OVER (PARTITION BY x.lead_key, x.region, x.member_id ORDER BY x.created_at, x.received_at, x.id) AS next_rp,
       lead(x.created_at) OVER (PARTITION BY x.lead_key, x.channel, x.member_id ORDER BY x.created_at, x.received_at, x.id) AS next_cp,
       lead(x.created_at) OVER (PARTITION BY x.lead_key, x.region, x.channel, x.member_id ORDER BY x.created_at, x.received_at, x.id) AS next_rcp
  FROM (SELECT f.id, f.lead_key, f.campaign_id, f.region, f.member_id, f.verdict, f.created_at, f.received_at,
               b.data->>'channel' AS channel
          FROM feedback f LEFT JOIN briefs b ON b.id = f.campaign_id) x;

INSERT INTO insight_facts SELECT * FROM insight_facts_from_feedback;

-- Sets the pointers of the given leads' verdicts from the feedback (only rows that change are written).
CREATE FUNCTION insight_pointers(leads text[]) RETURNS void LANGUAGE sql AS $$
  UPDATE insight_facts f
     SET next_any = v.next_any, next_r = v.next_r, next_c = v.next_c, next_p = v.next_p, next_rc = v.next_rc,
         next_rp = v.next_rp, next_cp = v.next_cp, next_rcp = v.next_rcp
    FROM insight_facts_from_feedback v
   WHERE v.lead_key = ANY(leads) AND f.feedback_id = v.feedback_id
     AND (f.next_any, f.next_r, f.next_c, f.next_p, f.next_rc, f.next_rp, f.next_cp, f.next_rcp)
         IS DISTINCT FROM (v.next_any, v.next_r, v.next_c, v.next_p, v.next_rc, v.next_rp, v.next_cp, v.next_rcp);
$$;

-- A campaign moved to another channel: its leads' channel pointers change.
CREATE FUNCTION insight_channel_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM insight_pointers(ARRAY(SELECT DISTINCT f.lead_key FROM insight_facts f WHERE f.campaign_id = NEW.id));
  RETURN NULL;
END
$$;
CREATE TRIGGER briefs_channel_moved AFTER UPDATE ON briefs FOR EACH ROW
  WHEN (OLD.data->>'channel' IS DISTINCT FROM NEW.data->>'channel') EXECUTE FUNCTION insight_channel_moved();

-- Ingest as in schema 5, and each new verdict's facts in the same statement; the leads judged before get
-- their pointers set by the next statement, in the same call.
CREATE OR REPLACE FUNCTION ingest_batch(batch jsonb, member uuid) RETURNS TABLE (item_id text, item_stored boolean)
LANGUAGE plpgsql AS $$
DECLARE
  seq bigint;
  hook boolean;
  stored_ids text[];
  unknown_ids text[];
  touched text[];
BEGIN
  -- From here to commit, ingests take turns on the workspace row.
  UPDATE workspace SET stats_version = stats_version + 1, change_seq = change_seq + 1
    RETURNING change_seq, webhook_url IS NOT NULL INTO seq, hook;
  -- A new statement: its snapshot holds every ingest that committed before this one took the row.
  WITH items AS (
    -- Each item with its place n in the batch; known when it names no campaign or one that is not a draft.
    SELECT i.*, i.campaign_id IS NULL OR EXISTS (
             SELECT 1 FROM briefs b WHERE b.id = i.campaign_id AND b.status <> 'draft') AS known
      FROM jsonb_to_recordset(batch) AS i(n int, id uuid, campaign_id uuid, lead_key text, crm text,
             object_type text, record_id text, url text, signals jsonb, verdict text, region text, note text,
             created_at timestamptz, hash bytea)
  ),
  inserted AS (
    -- The first item with each id, stored once; a stored id stays as it is.
    INSERT INTO feedback (id, member_id, campaign_id, lead_key, crm, object_type, record_id, url, signals, verdict,
                          region, note, created_at, hash, change_seq)
    SELECT f.id, member, f.campaign_id, f.lead_key, f.crm, f.object_type, f.record_id, f.url, f.signals, f.verdict,
           f.region, f.note, f.created_at, f.hash, seq
      FROM (SELECT DISTINCT ON (i.id) * FROM items i WHERE i.known ORDER BY i.id, i.n) f ORDER BY f.n
    ON CONFLICT (id) DO NOTHING
    RETURNING feedback.id, feedback.campaign_id, feedback.lead_key, feedback.verdict, feedback.region,
              feedback.created_at, feedback.received_at
  ),
  facts AS (
    -- Each new verdict for the Insights page; its pointers start empty (nothing later of its lead yet).
    INSERT INTO insight_facts (feedback_id, lead_key, campaign_id, region, member_id, verdict, created_at, received_at)
    SELECT s.id, s.lead_key, s.campaign_id, s.region, member, s.verdict, s.created_at, s.received_at FROM inserted s
  ),
  newest AS (
    -- Each lead's latest verdict in the batch (on equal instants the greater id, as a rebuild picks).
    SELECT DISTINCT ON (s.lead_key) s.lead_key, s.id, coalesce(s.campaign_id::text, '') AS campaign_key,
           s.verdict, coalesce(s.region, '') AS region, s.created_at
      FROM inserted s ORDER BY s.lead_key, s.created_at DESC, s.id DESC
  ),
  prior AS (
    -- Each lead's latest verdict before this batch, if any: one index probe per lead.
    SELECT n.*, p.lead_key IS NOT NULL AS had, p.campaign_key AS was_campaign, p.region AS was_region,
           p.verdict AS was_verdict, p.member_id AS was_member, p.created_at AS was_at
      FROM newest n
      LEFT JOIN LATERAL (SELECT * FROM lead_latest l WHERE l.lead_key = n.lead_key LIMIT 1) p ON true
  ),
  moved AS (
    -- The leads whose latest verdict this batch changes: an older verdict arriving late changes nothing;
    -- on an equal instant the later one received wins.
    SELECT * FROM prior WHERE was_at IS NULL OR was_at <= created_at
  ),
  history AS (
    -- Leads with more than one verdict now, whose pointers the next statement sets.
    SELECT s.lead_key FROM inserted s GROUP BY s.lead_key HAVING count(*) > 1
    UNION SELECT p.lead_key FROM prior p WHERE p.had
  ),
  latest_moved AS (
    INSERT INTO lead_latest (lead_key, feedback_id, campaign_key, verdict, region, member_id, created_at)
    SELECT m.lead_key, m.id, m.campaign_key, m.verdict, m.region, member, m.created_at FROM moved m ORDER BY m.lead_key
    ON CONFLICT (lead_key) DO UPDATE SET feedback_id = EXCLUDED.feedback_id, campaign_key = EXCLUDED.campaign_key,
      verdict = EXCLUDED.verdict, region = EXCLUDED.region, member_id = EXCLUDED.member_id,
      created_at = EXCLUDED.created_at
  ),
  deltas AS (
    -- +1 where each moved lead counts now, -1 where it counted before.
    SELECT m.campaign_key, m.region, m.verdict, member AS member_id, 1 AS delta FROM moved m
    UNION ALL
    SELECT m.was_campaign, m.was_region, m.was_verdict, m.was_member, -1 FROM moved m WHERE m.had
  ),
  counts_moved AS (
    INSERT INTO verdict_counts (campaign_key, region, verdict, leads)
    SELECT d.campaign_key, d.region, d.verdict, sum(d.delta) FROM deltas d
     GROUP BY d.campaign_key, d.region, d.verdict HAVING sum(d.delta) <> 0
     ORDER BY d.campaign_key, d.region, d.verdict
    ON CONFLICT (campaign_key, region, verdict) DO UPDATE SET leads = verdict_counts.leads + EXCLUDED.leads
  ),
  wins_moved AS (
    INSERT INTO seller_wins (campaign_key, member_id, won)
    SELECT d.campaign_key, d.member_id, sum(d.delta) FROM deltas d WHERE d.verdict = 'won'
     GROUP BY d.campaign_key, d.member_id HAVING sum(d.delta) <> 0 ORDER BY d.campaign_key, d.member_id
    ON CONFLICT (campaign_key, member_id) DO UPDATE SET won = seller_wins.won + EXCLUDED.won
  )
  SELECT (SELECT array_agg(s.id::text) FROM inserted s),
         (SELECT array_agg(DISTINCT i.campaign_id::text) FROM items i WHERE NOT i.known),
         (SELECT array_agg(h.lead_key) FROM history h)
    INTO stored_ids, unknown_ids, touched;
  IF touched IS NOT NULL THEN
    PERFORM insight_pointers(touched);
  END IF;
  IF hook THEN
    -- New feedback for the team's chat webhook, in the batch's order: the rows stored under this cursor.
    INSERT INTO webhook_queue (feedback_id)
    SELECT f.id FROM feedback f JOIN jsonb_to_recordset(batch) AS i(n int, id uuid) ON i.id = f.id
     WHERE f.change_seq = seq ORDER BY i.n;
  END IF;
  RETURN QUERY SELECT x, true FROM unnest(stored_ids) x UNION ALL SELECT x, false FROM unnest(unknown_ids) x;
END
$$;
