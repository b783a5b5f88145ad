-- Sameroom workspace, schema 5. A batch of verdicts is stored by one call (issue 10): ingest_batch takes
-- the workspace row (the change cursor commits in order), then, in a snapshot taken once the row is
-- its own, stores each new item once and moves the rollups in one set-based statement. One round trip,
-- planned once per connection. The rollups it keeps are checked against a rebuild from the feedback by
-- rollupDifferences (workspace/domain/rollups.ts), which describes them.
--
-- Ingests take turns from taking the workspace row to commit, so that time is ingest throughput. The
-- foreign keys from feedback to members and briefs cost a lookup and a row lock per item in it (about a
-- third of the statement); they go. What they guarded holds without them: ingest_batch stores an item
-- only under a campaign that exists and is not a draft, the member is the one the token belongs to,
-- and members and briefs are never deleted (a member is marked removed).

ALTER TABLE feedback DROP CONSTRAINT feedback_member_id_fkey;
ALTER TABLE feedback DROP CONSTRAINT feedback_campaign_id_fkey;

CREATE FUNCTION ingest_batch(batch jsonb, member uuid) RETURNS TABLE (item_id text, item_stored boolean)
LANGUAGE plpgsql AS $$
DECLARE
  seq bigint;
  hook boolean;
BEGIN
  -- From here to commit, ingests take turns on the workspace row.
  UPDATE workspace SET stats_version = stats_version + 1, change_seq = change_seq + 1
    RETURNING change_seq, webhook_url IS NOT NULL INTO seq, hook;
  -- A new statement: its snapshot holds every ingest that committed before this one took the row.
  RETURN QUERY
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
              feedback.created_at
  ),
  newest AS (
    -- Each lead's latest verdict in the batch (on equal instants the greater id, as a rebuild picks).
    SELECT DISTINCT ON (s.lead_key) s.lead_key, s.id, coalesce(s.campaign_id::text, '') AS campaign_key,
           s.verdict, coalesce(s.region, '') AS region, s.created_at
      FROM inserted s ORDER BY s.lead_key, s.created_at DESC, s.id DESC
  ),
  moved AS (
    -- The leads whose latest verdict this batch changes, with the one they had: an older verdict arriving
    -- late changes nothing; on an equal instant the later one received wins. One index probe per lead.
    SELECT n.*, p.lead_key IS NOT NULL AS had, p.campaign_key AS was_campaign, p.region AS was_region,
           p.verdict AS was_verdict, p.member_id AS was_member
      FROM newest n
      LEFT JOIN LATERAL (SELECT * FROM lead_latest l WHERE l.lead_key = n.lead_key LIMIT 1) p ON true
     WHERE p.created_at IS NULL OR p.created_at <= n.created_at
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
  SELECT s.id::text, true FROM inserted s
  UNION ALL SELECT DISTINCT i.campaign_id::text, false FROM items i WHERE NOT i.known;
  IF hook THEN
    -- New feedback for the team's chat webhook, in the batch's order: the rows stored under this cursor.
    INSERT INTO webhook_queue (feedback_id)
    SELECT f.id FROM feedback f JOIN jsonb_to_recordset(batch) AS i(n int, id uuid) ON i.id = f.id
     WHERE f.change_seq = seq ORDER BY i.n;
  END IF;
END
$$;
