-- Sameroom workspace, schema 18. A lead judged again, on tables the planner has no statistics for (PGlite
-- runs no autovacuum, so its tables were never analyzed; a PostgreSQL server analyzes a table only a
-- minute or more after it grew): insight_pointers_since (schema 13) found the touched leads' verdicts by a
-- hash join over the whole of feedback and of insight_facts, and updated their facts by another, a time
-- that grew with the workspace and not with the call. Measured on PGlite, rounds of 25,000 verdicts on
-- the same 25,000 leads, each round a day later: 9,192, 3,637, 2,544 and 1,390 items/s; on a PostgreSQL
-- server 10,647, 5,783, 4,569 and 3,266 (a call's insight_pointers_since for 100 leads at 30,000 verdicts:
-- 33 ms, 4 ms once analyzed). It now looks each lead up by its index, and each fact by its key, whatever
-- the planner knows. What it computes is unchanged (schema 13).
CREATE OR REPLACE FUNCTION insight_pointers_since(leads text[], since timestamptz[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  ids uuid[];
  any_at timestamptz[];
  r_at timestamptz[];
  c_at timestamptz[];
  p_at timestamptz[];
  rc_at timestamptz[];
  rp_at timestamptz[];
  cp_at timestamptz[];
  rcp_at timestamptz[];
BEGIN
  WITH touched AS (
    SELECT * FROM unnest(leads, since) AS t(lead_key, since)
  ),
  open AS (
    -- The verdicts whose pointers may move, with their channel (the campaign's now) and their pointers:
    -- looked up lead by lead, through feedback_lead and insight_facts' key, whatever the planner knows of
    -- the tables (OFFSET 0 keeps it from turning a lookup into a join with the whole table).
    SELECT o.*, b.data->>'channel' AS channel
      FROM touched t
     CROSS JOIN LATERAL (
       SELECT f.feedback_id, f.lead_key, f.region, f.member_id, f.created_at, f.received_at, f.campaign_id, t.since,
              f.next_any AS was_any, f.next_r AS was_r, f.next_c AS was_c, f.next_p AS was_p, f.next_rc AS was_rc,
              f.next_rp AS was_rp, f.next_cp AS was_cp, f.next_rcp AS was_rcp
         FROM feedback x
        CROSS JOIN LATERAL (SELECT * FROM insight_facts i WHERE i.feedback_id = x.id OFFSET 0) f
        WHERE x.lead_key = t.lead_key
          -- next_rcp (same region, channel and rep) is the latest of a verdict's pointers: it is empty, or at
          -- or after `since`, whenever any of them is.
          AND (f.created_at >= t.since OR f.next_rcp IS NULL OR f.next_rcp >= t.since)
       OFFSET 0
     ) o
      LEFT JOIN briefs b ON b.id = o.campaign_id
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
  SELECT array_agg(c.feedback_id), array_agg(c.next_any), array_agg(c.next_r), array_agg(c.next_c),
         array_agg(c.next_p), array_agg(c.next_rc), array_agg(c.next_rp), array_agg(c.next_cp), array_agg(c.next_rcp)
    INTO ids, any_at, r_at, c_at, p_at, rc_at, rp_at, cp_at, rcp_at
    FROM computed c;
  -- Each fact updated by its key: from arrays, whose length the planner knows (it took a CTE for hundreds
  -- of rows and joined it with the whole table).
  UPDATE insight_facts f
     SET next_any = n.next_any, next_r = n.next_r, next_c = n.next_c, next_p = n.next_p, next_rc = n.next_rc,
         next_rp = n.next_rp, next_cp = n.next_cp, next_rcp = n.next_rcp
    FROM unnest(ids, any_at, r_at, c_at, p_at, rc_at, rp_at, cp_at, rcp_at)
         AS n(feedback_id, next_any, next_r, next_c, next_p, next_rc, next_rp, next_cp, next_rcp)
   WHERE f.feedback_id = n.feedback_id
     AND (f.next_any, f.next_r, f.next_c, f.next_p, f.next_rc, f.next_rp, f.next_cp, f.next_rcp)
         IS DISTINCT FROM (n.next_any, n.next_r, n.next_c, n.next_p, n.next_rc, n.next_rp, n.next_cp, n.next_rcp);
END
$$;
