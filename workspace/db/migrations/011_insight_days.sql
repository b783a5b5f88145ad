-- Sameroom workspace, schema 11. The Insights page within 300 ms for any period (issue 15). insight_counts
-- (schema 9) answers a period that runs to the latest verdict; one that ends before it ("last month")
-- read insight_facts, a row per verdict. A verdict is its lead's latest within the filters when it was
-- given in the period and its next verdict with the same values of the filtered attributes came after
-- the period's end, or never. Periods are whole days (UTC), so only the day of each instant matters:
--
-- insight_days: the verdicts counted by the day they were given, campaign, region, rep and verdict, and
-- the day of each next-verdict pointer of insight_facts ('infinity' when there is none). A filter sums
-- the rows of the days in its period, in its region, channel and rep, whose pointer for the filtered
-- attributes is after its last day, exactly as it would pick the facts. Verdicts of a lead usually keep
-- their region and rep, and a lead's next verdict comes days later, so a day holds few pointer days and
-- the table is a fraction of the facts.
--
-- Kept like insight_counts, by statement triggers on insight_facts (ingest_batch, insight_pointers, a
-- rebuild and a restore change the facts; none of them knows this table), so a backup leaves it out.
-- rollupDifferences checks it against the feedback (workspace/domain/rollups.ts).
CREATE TABLE insight_days (
  day date NOT NULL,
  campaign_key text NOT NULL, -- the brief's id, or '' for feedback no campaign matched
  region text NOT NULL,       -- '' when none
  member_id uuid NOT NULL,
  verdict text NOT NULL,
  next_any date NOT NULL,
  next_r date NOT NULL,
  next_c date NOT NULL,
  next_p date NOT NULL,
  next_rc date NOT NULL,
  next_rp date NOT NULL,
  next_cp date NOT NULL,
  next_rcp date NOT NULL,
  verdicts integer NOT NULL,
  PRIMARY KEY (day, campaign_key, region, member_id, verdict, next_any, next_r, next_c, next_p, next_rc, next_rp,
               next_cp, next_rcp)
);

-- An instant's day (UTC), as a period's `from` and `to` are days; an empty pointer is 'infinity'.
CREATE FUNCTION insight_day(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce((at AT TIME ZONE 'UTC')::date, 'infinity')
$$;

-- The days computed from the facts (this migration fills the table with it), and from the facts computed
-- from the feedback (what rollupDifferences compares the table with).
CREATE VIEW insight_days_from_facts AS
SELECT insight_day(f.created_at) AS day, coalesce(f.campaign_id::text, '') AS campaign_key,
       coalesce(f.region, '') AS region, f.member_id, f.verdict, insight_day(f.next_any) AS next_any,
       insight_day(f.next_r) AS next_r, insight_day(f.next_c) AS next_c, insight_day(f.next_p) AS next_p,
       insight_day(f.next_rc) AS next_rc, insight_day(f.next_rp) AS next_rp, insight_day(f.next_cp) AS next_cp,
       insight_day(f.next_rcp) AS next_rcp, count(*)::int AS verdicts
  FROM insight_facts f GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13;

CREATE VIEW insight_days_from_feedback AS
SELECT insight_day(f.created_at) AS day, coalesce(f.campaign_id::text, '') AS campaign_key,
       coalesce(f.region, '') AS region, f.member_id, f.verdict, insight_day(f.next_any) AS next_any,
       insight_day(f.next_r) AS next_r, insight_day(f.next_c) AS next_c, insight_day(f.next_p) AS next_p,
       insight_day(f.next_rc) AS next_rc, insight_day(f.next_rp) AS next_rp, insight_day(f.next_cp) AS next_cp,
       insight_day(f.next_rcp) AS next_rcp, count(*)::int AS verdicts
  FROM insight_facts_from_feedback f GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13;

INSERT INTO insight_days SELECT * FROM insight_days_from_facts;

-- The triggers: +1 for each fact added, or as it is after an update; -1 for each fact as it was before an
-- update, or removed. An update that moves no pointer to another day writes nothing.
CREATE FUNCTION insight_days_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  fact text := 'f.created_at, f.campaign_id, f.region, f.member_id, f.verdict, f.next_any, f.next_r, f.next_c, '
               'f.next_p, f.next_rc, f.next_rp, f.next_cp, f.next_rcp';
BEGIN
  EXECUTE format($sql$
    INSERT INTO insight_days (day, campaign_key, region, member_id, verdict, next_any, next_r, next_c, next_p, next_rc,
                              next_rp, next_cp, next_rcp, verdicts)
    SELECT insight_day(d.created_at), coalesce(d.campaign_id::text, ''), coalesce(d.region, ''), d.member_id,
           d.verdict, insight_day(d.next_any), insight_day(d.next_r), insight_day(d.next_c), insight_day(d.next_p),
           insight_day(d.next_rc), insight_day(d.next_rp), insight_day(d.next_cp), insight_day(d.next_rcp),
           sum(d.delta)
      FROM (%s) d
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 HAVING sum(d.delta) <> 0
     ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
    ON CONFLICT (day, campaign_key, region, member_id, verdict, next_any, next_r, next_c, next_p, next_rc, next_rp,
                 next_cp, next_rcp)
      DO UPDATE SET verdicts = insight_days.verdicts + EXCLUDED.verdicts
  $sql$, concat_ws(' UNION ALL ',
    CASE WHEN TG_OP <> 'DELETE' THEN format('SELECT %s, 1 AS delta FROM added f', fact) END,
    CASE WHEN TG_OP <> 'INSERT' THEN format('SELECT %s, -1 AS delta FROM removed f', fact) END));
  RETURN NULL;
END
$$;
CREATE TRIGGER insight_days_added AFTER INSERT ON insight_facts REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION insight_days_moved();
CREATE TRIGGER insight_days_moved AFTER UPDATE ON insight_facts REFERENCING OLD TABLE AS removed NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION insight_days_moved();
CREATE TRIGGER insight_days_removed AFTER DELETE ON insight_facts REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION insight_days_moved();
