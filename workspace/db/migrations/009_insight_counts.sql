-- Sameroom workspace, schema 9. The Insights page within 300 ms over a million verdicts (issue 15). A scan
-- of insight_facts alone takes longer than that, so the common questions read counts instead:
--
-- insight_counts: the leads counted by their latest verdict within one filter attribute or none, by
-- campaign, region, rep, week (Monday, UTC) of that verdict, and verdict. scope 'a' is every lead by its
-- latest verdict (next_any empty: the lead_latest rollup, by week); 'r' by its latest in each region
-- (next_r empty), 'c' in each channel (next_c empty), 'p' by each rep (next_p empty). filter_key is what a
-- filter picks rows by: '' for 'a', the region, the campaign id (a channel is a set of campaigns) or the
-- rep's id. No filter, one of region / channel / rep, and a period that runs to the latest verdict or
-- later read these rows (a period's first days up to its first Monday from insight_facts), not the facts.
--
-- Kept by triggers on insight_facts, one set-based statement per statement that changes the facts,
-- whatever changes them: ingest_batch inserting new verdicts (counted in every scope: their pointers
-- start empty), insight_pointers setting pointers (a verdict leaves a scope when it gets one there, and
-- comes back when it loses one, as a late arrival or a campaign moved to another channel does), a
-- rebuild or a restore refilling them. So ingest_batch is unchanged, and a backup leaves this table out
-- (a restore remakes it). rollupDifferences checks it against the feedback (workspace/domain/rollups.ts).
CREATE TABLE insight_counts (
  scope text NOT NULL,
  filter_key text NOT NULL,
  campaign_key text NOT NULL, -- the brief's id, or '' for feedback no campaign matched
  region text NOT NULL,       -- '' when none
  member_id uuid NOT NULL,
  week date NOT NULL,
  verdict text NOT NULL,
  leads integer NOT NULL,
  PRIMARY KEY (scope, filter_key, campaign_key, region, member_id, week, verdict)
);

-- The scopes a verdict counts in: those whose pointer is empty and whose attribute it has (a verdict
-- without a region or a campaign cannot be picked by a region or a channel).
CREATE FUNCTION insight_scopes(campaign_id uuid, region text, member_id uuid, next_any timestamptz,
                               next_r timestamptz, next_c timestamptz, next_p timestamptz)
RETURNS TABLE (scope text, filter_key text) LANGUAGE sql IMMUTABLE AS $$
  SELECT s.scope, s.filter_key
    FROM (VALUES ('a', '', next_any), ('r', region, next_r), ('c', campaign_id::text, next_c),
                 ('p', member_id::text, next_p)) AS s(scope, filter_key, next)
   WHERE s.next IS NULL AND s.filter_key IS NOT NULL
$$;

CREATE FUNCTION insight_week(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$
  SELECT date_trunc('week', at AT TIME ZONE 'UTC')::date
$$;

-- The counts computed from the facts (this migration fills the table with it), and from the facts
-- computed from the feedback (what rollupDifferences compares the table with).
CREATE VIEW insight_counts_from_facts AS
SELECT s.scope, s.filter_key, coalesce(f.campaign_id::text, '') AS campaign_key, coalesce(f.region, '') AS region,
       f.member_id, insight_week(f.created_at) AS week, f.verdict, count(*)::int AS leads
  FROM insight_facts f
  CROSS JOIN LATERAL insight_scopes(f.campaign_id, f.region, f.member_id, f.next_any, f.next_r, f.next_c, f.next_p) s
 GROUP BY 1, 2, 3, 4, 5, 6, 7;

CREATE VIEW insight_counts_from_feedback AS
SELECT s.scope, s.filter_key, coalesce(f.campaign_id::text, '') AS campaign_key, coalesce(f.region, '') AS region,
       f.member_id, insight_week(f.created_at) AS week, f.verdict, count(*)::int AS leads
  FROM insight_facts_from_feedback f
  CROSS JOIN LATERAL insight_scopes(f.campaign_id, f.region, f.member_id, f.next_any, f.next_r, f.next_c, f.next_p) s
 GROUP BY 1, 2, 3, 4, 5, 6, 7;

INSERT INTO insight_counts SELECT * FROM insight_counts_from_facts;

-- A rep's verdicts in a period, read from the index alone (the filters with a rep and a period), and the
-- latest verdict's instant, which tells whether a period runs to the latest verdict (a b-tree instead of
-- schema 6's BRIN: max() reads one entry, and a period's first days are a short range).
CREATE INDEX insight_facts_rep ON insight_facts (member_id, created_at)
  INCLUDE (campaign_id, region, verdict, next_p, next_rp, next_cp, next_rcp);
DROP INDEX insight_facts_created;
CREATE INDEX insight_facts_created ON insight_facts (created_at);

-- The triggers: +1 for each fact added, or as it is after an update, in the scopes it counts in; -1 for
-- each fact as it was before an update, or removed. Deltas that cancel out (an update that moves no
-- pointer between empty and set) write nothing.
CREATE FUNCTION insight_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  fact text := 'f.campaign_id, f.region, f.member_id, f.verdict, f.created_at, f.next_any, f.next_r, f.next_c, f.next_p';
BEGIN
  EXECUTE format($sql$
    INSERT INTO insight_counts (scope, filter_key, campaign_key, region, member_id, week, verdict, leads)
    SELECT s.scope, s.filter_key, coalesce(d.campaign_id::text, ''), coalesce(d.region, ''), d.member_id,
           insight_week(d.created_at), d.verdict, sum(d.delta)
      FROM (%s) d
      CROSS JOIN LATERAL insight_scopes(d.campaign_id, d.region, d.member_id, d.next_any, d.next_r, d.next_c, d.next_p) s
     GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(d.delta) <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (scope, filter_key, campaign_key, region, member_id, week, verdict)
      DO UPDATE SET leads = insight_counts.leads + EXCLUDED.leads
  $sql$, concat_ws(' UNION ALL ',
    CASE WHEN TG_OP <> 'DELETE' THEN format('SELECT %s, 1 AS delta FROM added f', fact) END,
    CASE WHEN TG_OP <> 'INSERT' THEN format('SELECT %s, -1 AS delta FROM removed f', fact) END));
  RETURN NULL;
END
$$;
CREATE TRIGGER insight_facts_added AFTER INSERT ON insight_facts REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION insight_counts_moved();
CREATE TRIGGER insight_facts_moved AFTER UPDATE ON insight_facts REFERENCING OLD TABLE AS removed NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION insight_counts_moved();
CREATE TRIGGER insight_facts_removed AFTER DELETE ON insight_facts REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION insight_counts_moved();
