-- Sameroom workspace, schema 13. A lead judged again: its verdicts' next-verdict pointers (insight_facts,
-- schema 6) were set by insight_pointers, which sorts all of the lead's verdicts eight times, one per
-- combination of region, channel and rep, at every call that brings it a verdict: a lead with a long
-- history made each of its batches slow (one client sending 10 batches of 100 verdicts for one lead:
-- about two thirds of ingest_batch's time by the tenth batch).
--
-- insight_pointers_since(leads, since) sets the same pointers from fewer rows. For each lead, `since` is
-- the earliest instant of the verdicts this call brings. A verdict's pointer for a combination is the
-- instant of the next verdict with the same values; every new verdict is given at or after `since`, so a
-- verdict given before it whose pointer is already before `since` keeps it (the next verdict is that one,
-- and it is not new). Every other pointer is computed over the lead's verdicts given at or after `since`
-- and those given before it with some pointer empty or at or after `since`: for such a pointer, no
-- verdict with the same values lies between its verdict and `since`, so the next one among these rows is
-- the next one among all. The result is what insight_pointers computes (rollupDifferences compares the
-- facts with the view over the feedback); insight_pointers stays for a campaign moved to another channel,
-- where every verdict's channel may change.
CREATE FUNCTION insight_pointers_since(leads text[], since timestamptz[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  WITH touched AS (
    SELECT * FROM unnest(leads, since) AS t(lead_key, since)
  ),
  open AS (
    -- The verdicts whose pointers may move, with their channel (the campaign's now) and their pointers.
    SELECT f.feedback_id, f.lead_key, f.region, f.member_id, f.created_at, f.received_at, t.since,
           b.data->>'channel' AS channel, f.next_any AS was_any, f.next_r AS was_r, f.next_c AS was_c,
           f.next_p AS was_p, f.next_rc AS was_rc, f.next_rp AS was_rp, f.next_cp AS was_cp, f.next_rcp AS was_rcp
      FROM touched t
      JOIN feedback x ON x.lead_key = t.lead_key
      JOIN insight_facts f ON f.feedback_id = x.id
      LEFT JOIN briefs b ON b.id = f.campaign_id
     -- next_rcp (same region, channel and rep) is the latest of a verdict's pointers: it is empty, or at or
     -- after `since`, whenever any of them is.
     WHERE f.created_at >= t.since OR f.next_rcp IS NULL OR f.next_rcp >= t.since
  ),
  computed AS (
    SELECT o.feedback_id,
           CASE WHEN o.created_at >= o.since OR o.was_any IS NULL OR o.was_any >= o.since
                THEN lead(o.created_at) OVER (PARTITION BY o.lead_key ORDER BY o.created_at, o.received_at, o.feedback_id)
                ELSE o.was_any END AS next_any,
           CASE WHEN o.created_at >= o.since OR o.was_r IS NULL OR o.was_r >= o.since
                THEN lead(o.created_at) OVER (PARTITION BY o.lead_key, o.region ORDER BY o.created_at, o.received_at, o.feedback_id)
                ELSE o.was_r END AS next_r,
           CASE WHEN o.created_at >= o.since OR o.was_c IS NULL OR o.was_c >= o.since
                THEN lead(o.created_at) OVER (PARTITION BY o.lead_key, o.channel ORDER BY o.created_at, o.received_at, o.feedback_id)
                ELSE o.was_c END AS next_c,
           CASE WHEN o.created_at >= o.since OR o.was_p IS NULL OR o.was_p >= o.since
                THEN lead(o.created_at) OVER (PARTITION BY o.lead_key, o.member_id ORDER BY o.created_at, o.received_at, o.feedback_id)
                ELSE o.was_p END AS next_p,
           CASE WHEN o.created_at >= o.since OR o.was_rc IS NULL OR o.was_rc >= o.since
                THEN lead(o.created_at) OVER (PARTITION BY o.lead_key, o.region, o.channel ORDER BY o.created_at, o.received_at, o.feedback_id)
                ELSE o.was_rc END AS next_rc,
           CASE WHEN o.created_at >= o.since OR o.was_rp IS NULL OR o.was_rp >= o.since
                THEN lead(o.created_at) OVER (PARTITION BY o.lead_key, o.region, o.member_id ORDER BY o.created_at, o.received_at, o.feedback_id)
                ELSE o.was_rp END AS next_rp,
           CASE WHEN o.created_at >= o.since OR o.was_cp IS NULL OR o.was_cp >= o.since
                THEN lead(o.created_at) OVER (PARTITION BY o.lead_key, o.channel, o.member_id ORDER BY o.created_at, o.received_at, o.feedback_id)
                ELSE o.was_cp END AS next_cp,
           CASE WHEN o.created_at >= o.since OR o.was_rcp IS NULL OR o.was_rcp >= o.since
                THEN lead(o.created_at) OVER (PARTITION BY o.lead_key, o.region, o.channel, o.member_id ORDER BY o.created_at, o.received_at, o.feedback_id)
                ELSE o.was_rcp END AS next_rcp
      FROM open o
  )
  UPDATE insight_facts f
     SET next_any = n.next_any, next_r = n.next_r, next_c = n.next_c, next_p = n.next_p, next_rc = n.next_rc,
         next_rp = n.next_rp, next_cp = n.next_cp, next_rcp = n.next_rcp
    FROM computed n
   WHERE f.feedback_id = n.feedback_id
     AND (f.next_any, f.next_r, f.next_c, f.next_p, f.next_rc, f.next_rp, f.next_cp, f.next_rcp)
         IS DISTINCT FROM (n.next_any, n.next_r, n.next_c, n.next_p, n.next_rc, n.next_rp, n.next_cp, n.next_rcp);
END
$$;

-- ingest_batch as in schema 10, with each touched lead's earliest verdict of the call, for the above.
CREATE OR REPLACE FUNCTION ingest_batch(batch jsonb) RETURNS TABLE (item_n int, item_stored boolean)
LANGUAGE plpgsql AS $$
DECLARE
  seq bigint;
  hook boolean;
  stored_ids uuid[];
  stored_ns bigint[];
  unknown_ns bigint[];
  touched text[];
  touched_since timestamptz[];
BEGIN
  -- From here to commit, ingests take turns on the workspace row.
  UPDATE workspace SET stats_version = stats_version + 1, change_seq = change_seq + 1
    RETURNING change_seq, webhook_url IS NOT NULL INTO seq, hook;
  -- A new statement: its snapshot holds every ingest that committed before this one took the row.
  WITH items AS (
    -- Each item with its place n in the call.
    SELECT * FROM ROWS FROM (jsonb_to_recordset(batch) AS (id uuid, member_id uuid, campaign_id uuid, lead_key text,
             crm text, object_type text, record_id text, url text, signals jsonb, verdict text, region text, note text,
             answers jsonb, created_at timestamptz, hash bytea)) WITH ORDINALITY AS i(id, member_id, campaign_id,
             lead_key, crm, object_type, record_id, url, signals, verdict, region, note, answers, created_at, hash, n)
  ),
  known AS (
    -- The campaigns the batch names that exist and are not drafts: one probe per campaign, not per item.
    SELECT b.id FROM briefs b WHERE b.id IN (SELECT i.campaign_id FROM items i) AND b.status <> 'draft'
  ),
  accepted AS (
    -- The first item with each id, under no campaign or a known one.
    SELECT DISTINCT ON (i.id) i.* FROM items i
     WHERE i.campaign_id IS NULL OR i.campaign_id IN (SELECT k.id FROM known k)
     ORDER BY i.id, i.n
  ),
  inserted AS (
    -- Stored once; a stored id stays as it is (with the answers it was stored with: the hash covers them).
    INSERT INTO feedback (id, member_id, campaign_id, lead_key, crm, object_type, record_id, url, signals, verdict,
                          region, note, answers, created_at, hash, change_seq)
    SELECT f.id, f.member_id, f.campaign_id, f.lead_key, f.crm, f.object_type, f.record_id, f.url, f.signals, f.verdict,
           f.region, f.note, f.answers, f.created_at, f.hash, seq
      FROM accepted f ORDER BY f.n
    ON CONFLICT (id) DO NOTHING
    RETURNING feedback.id, feedback.member_id, feedback.campaign_id, feedback.lead_key, feedback.verdict,
              feedback.region, feedback.created_at, feedback.received_at
  ),
  facts AS (
    -- Each new verdict for the Insights page; its pointers start empty (nothing later of its lead yet).
    INSERT INTO insight_facts (feedback_id, lead_key, campaign_id, region, member_id, verdict, created_at, received_at)
    SELECT s.id, s.lead_key, s.campaign_id, s.region, s.member_id, s.verdict, s.created_at, s.received_at
      FROM inserted s
  ),
  newest AS (
    -- Each lead's latest verdict in the batch (on equal instants the greater id, as a rebuild picks).
    SELECT DISTINCT ON (s.lead_key) s.lead_key, s.id, s.member_id, coalesce(s.campaign_id::text, '') AS campaign_key,
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
    -- Leads with more than one verdict now, whose pointers the next statement sets, each with its earliest
    -- verdict of this call. A lead judged for the first time has one verdict and empty pointers, as its
    -- facts were inserted.
    SELECT s.lead_key, min(s.created_at) AS since FROM inserted s GROUP BY s.lead_key
    HAVING count(*) > 1 OR s.lead_key IN (SELECT p.lead_key FROM prior p WHERE p.had)
  ),
  latest_moved AS (
    INSERT INTO lead_latest (lead_key, feedback_id, campaign_key, verdict, region, member_id, created_at)
    SELECT m.lead_key, m.id, m.campaign_key, m.verdict, m.region, m.member_id, m.created_at FROM moved m
     ORDER BY m.lead_key
    ON CONFLICT (lead_key) DO UPDATE SET feedback_id = EXCLUDED.feedback_id, campaign_key = EXCLUDED.campaign_key,
      verdict = EXCLUDED.verdict, region = EXCLUDED.region, member_id = EXCLUDED.member_id,
      created_at = EXCLUDED.created_at
  ),
  deltas AS (
    -- +1 where each moved lead counts now, -1 where it counted before.
    SELECT m.campaign_key, m.region, m.verdict, m.member_id, 1 AS delta FROM moved m
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
  SELECT (SELECT array_agg(a.id ORDER BY a.n) FROM inserted s JOIN accepted a ON a.id = s.id),
         (SELECT array_agg(a.n ORDER BY a.n) FROM inserted s JOIN accepted a ON a.id = s.id),
         (SELECT array_agg(i.n) FROM items i
           WHERE i.campaign_id IS NOT NULL AND i.campaign_id NOT IN (SELECT k.id FROM known k)),
         (SELECT array_agg(h.lead_key ORDER BY h.lead_key) FROM history h),
         (SELECT array_agg(h.since ORDER BY h.lead_key) FROM history h)
    INTO stored_ids, stored_ns, unknown_ns, touched, touched_since;
  IF touched IS NOT NULL THEN
    PERFORM insight_pointers_since(touched, touched_since);
  END IF;
  IF hook THEN
    -- New feedback for the team's chat webhook, in the call's order.
    INSERT INTO webhook_queue (feedback_id) SELECT u.id FROM unnest(stored_ids) WITH ORDINALITY AS u(id, k) ORDER BY u.k;
  END IF;
  -- The places stored now, and those refused for a campaign that is unknown or a draft.
  RETURN QUERY SELECT x::int, true FROM unnest(stored_ns) x UNION ALL SELECT x::int, false FROM unnest(unknown_ns) x;
END
$$;

