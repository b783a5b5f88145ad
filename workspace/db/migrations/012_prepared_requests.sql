-- Sameroom workspace, schema 12. Ingest throughput (issue 10) and a lone batch's time: statements
-- planned once per connection instead of once per request.
--
-- token_request: a bearer token checked, its use recorded (at most once a minute) and the request counted
-- against the token's window in rate_limits (key 'token:<id>'), in one statement. It was the same
-- statement sent as text, planned on every request (about 1 ms of PGlite's CPU per request, more than
-- running it); in a PL/pgSQL function its plan is kept. A token that is unknown, revoked, idle past
-- idle_days or whose member is removed gives no row and is not counted; window_seconds 0 counts nothing.
CREATE FUNCTION token_request(token_hash bytea, idle_days int, touch_seconds int, window_seconds int)
RETURNS TABLE (token_id uuid, id uuid, name text, role text, region text, count int, retry_after int)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH found AS (
    SELECT t.id AS found_token, m.id AS found_member, m.name AS found_name, m.role AS found_role,
           m.region AS found_region,
           coalesce(t.last_used_at < now() - make_interval(secs => touch_seconds), true) AS stale
      FROM tokens t JOIN members m ON m.id = t.member_id
     WHERE t.hash = token_hash AND t.revoked_at IS NULL AND m.removed_at IS NULL
       AND coalesce(t.last_used_at, t.created_at) > now() - make_interval(days => idle_days)
  ),
  touched AS (
    UPDATE tokens t SET last_used_at = now()
     WHERE t.id = (SELECT f.found_token FROM found f WHERE f.stale)
       AND coalesce(t.last_used_at < now() - make_interval(secs => touch_seconds), true)
  ),
  counted AS (
    INSERT INTO rate_limits AS r (key, window_start, count)
    SELECT 'token:' || f.found_token, to_timestamp(floor(extract(epoch FROM now()) / window_seconds) * window_seconds), 1
      FROM found f WHERE window_seconds > 0
    ON CONFLICT (key, window_start) DO UPDATE SET count = r.count + 1
    RETURNING r.count AS hits, ceil(extract(epoch FROM r.window_start) + window_seconds - extract(epoch FROM now()))::int AS wait
  )
  SELECT f.found_token, f.found_member, f.found_name, f.found_role, f.found_region, c.hits, c.wait
    FROM found f LEFT JOIN counted c ON true;
END
$$;

-- The triggers of schemas 9 and 11 built their statement as text on every firing (EXECUTE format), so it
-- was planned again for every statement that changed the facts: each ingest call. The same statements,
-- static, one per kind of change (a trigger function's plans are kept per trigger): what they write is
-- unchanged, +1 for each fact added or as it is after an update, -1 for each fact as it was before an
-- update or removed, nothing for deltas that cancel out.
CREATE OR REPLACE FUNCTION insight_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO insight_counts (scope, filter_key, campaign_key, region, member_id, week, verdict, leads)
    SELECT s.scope, s.filter_key, coalesce(d.campaign_id::text, ''), coalesce(d.region, ''), d.member_id,
           insight_week(d.created_at), d.verdict, count(*)
      FROM added d
      CROSS JOIN LATERAL insight_scopes(d.campaign_id, d.region, d.member_id, d.next_any, d.next_r, d.next_c, d.next_p) s
     GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (scope, filter_key, campaign_key, region, member_id, week, verdict)
      DO UPDATE SET leads = insight_counts.leads + EXCLUDED.leads;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO insight_counts (scope, filter_key, campaign_key, region, member_id, week, verdict, leads)
    SELECT s.scope, s.filter_key, coalesce(d.campaign_id::text, ''), coalesce(d.region, ''), d.member_id,
           insight_week(d.created_at), d.verdict, sum(d.delta)
      FROM (SELECT f.campaign_id, f.region, f.member_id, f.verdict, f.created_at, f.next_any, f.next_r, f.next_c,
                   f.next_p, 1 AS delta FROM added f
            UNION ALL
            SELECT f.campaign_id, f.region, f.member_id, f.verdict, f.created_at, f.next_any, f.next_r, f.next_c,
                   f.next_p, -1 FROM removed f) d
      CROSS JOIN LATERAL insight_scopes(d.campaign_id, d.region, d.member_id, d.next_any, d.next_r, d.next_c, d.next_p) s
     GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(d.delta) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (scope, filter_key, campaign_key, region, member_id, week, verdict)
      DO UPDATE SET leads = insight_counts.leads + EXCLUDED.leads;
  ELSE
    INSERT INTO insight_counts (scope, filter_key, campaign_key, region, member_id, week, verdict, leads)
    SELECT s.scope, s.filter_key, coalesce(d.campaign_id::text, ''), coalesce(d.region, ''), d.member_id,
           insight_week(d.created_at), d.verdict, -count(*)
      FROM removed d
      CROSS JOIN LATERAL insight_scopes(d.campaign_id, d.region, d.member_id, d.next_any, d.next_r, d.next_c, d.next_p) s
     GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (scope, filter_key, campaign_key, region, member_id, week, verdict)
      DO UPDATE SET leads = insight_counts.leads + EXCLUDED.leads;
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION insight_days_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO insight_days (day, campaign_key, region, member_id, verdict, next_any, next_r, next_c, next_p, next_rc,
                              next_rp, next_cp, next_rcp, verdicts)
    SELECT insight_day(d.created_at), coalesce(d.campaign_id::text, ''), coalesce(d.region, ''), d.member_id,
           d.verdict, insight_day(d.next_any), insight_day(d.next_r), insight_day(d.next_c), insight_day(d.next_p),
           insight_day(d.next_rc), insight_day(d.next_rp), insight_day(d.next_cp), insight_day(d.next_rcp), count(*)
      FROM added d
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
    ON CONFLICT (day, campaign_key, region, member_id, verdict, next_any, next_r, next_c, next_p, next_rc, next_rp,
                 next_cp, next_rcp)
      DO UPDATE SET verdicts = insight_days.verdicts + EXCLUDED.verdicts;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO insight_days (day, campaign_key, region, member_id, verdict, next_any, next_r, next_c, next_p, next_rc,
                              next_rp, next_cp, next_rcp, verdicts)
    SELECT insight_day(d.created_at), coalesce(d.campaign_id::text, ''), coalesce(d.region, ''), d.member_id,
           d.verdict, insight_day(d.next_any), insight_day(d.next_r), insight_day(d.next_c), insight_day(d.next_p),
           insight_day(d.next_rc), insight_day(d.next_rp), insight_day(d.next_cp), insight_day(d.next_rcp), sum(d.delta)
      FROM (SELECT f.created_at, f.campaign_id, f.region, f.member_id, f.verdict, f.next_any, f.next_r, f.next_c,
                   f.next_p, f.next_rc, f.next_rp, f.next_cp, f.next_rcp, 1 AS delta FROM added f
            UNION ALL
            SELECT f.created_at, f.campaign_id, f.region, f.member_id, f.verdict, f.next_any, f.next_r, f.next_c,
                   f.next_p, f.next_rc, f.next_rp, f.next_cp, f.next_rcp, -1 FROM removed f) d
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 HAVING sum(d.delta) <> 0
     ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
    ON CONFLICT (day, campaign_key, region, member_id, verdict, next_any, next_r, next_c, next_p, next_rc, next_rp,
                 next_cp, next_rcp)
      DO UPDATE SET verdicts = insight_days.verdicts + EXCLUDED.verdicts;
  ELSE
    INSERT INTO insight_days (day, campaign_key, region, member_id, verdict, next_any, next_r, next_c, next_p, next_rc,
                              next_rp, next_cp, next_rcp, verdicts)
    SELECT insight_day(d.created_at), coalesce(d.campaign_id::text, ''), coalesce(d.region, ''), d.member_id,
           d.verdict, insight_day(d.next_any), insight_day(d.next_r), insight_day(d.next_c), insight_day(d.next_p),
           insight_day(d.next_rc), insight_day(d.next_rp), insight_day(d.next_cp), insight_day(d.next_rcp), -count(*)
      FROM removed d
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
    ON CONFLICT (day, campaign_key, region, member_id, verdict, next_any, next_r, next_c, next_p, next_rc, next_rp,
                 next_cp, next_rcp)
      DO UPDATE SET verdicts = insight_days.verdicts + EXCLUDED.verdicts;
  END IF;
  RETURN NULL;
END
$$;
