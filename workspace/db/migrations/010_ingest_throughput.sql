-- Sameroom workspace, schema 10. Ingest throughput (issue 10: 8,000 items/s on PGlite, 20,000 on
-- PostgreSQL, batches of 100).
--
-- Each item's answers are stored by its own insert, so ingest_batch_answers (schema 7) and its second
-- statement go: that UPDATE joined the batch to the feedback through the member's index, reading every
-- verdict the member ever sent, once per batch, so ingest slowed as the table grew (36-65 ms of a
-- 70-90 ms call at 10,000 rows).
--
-- ingest_batch takes one argument: the items, each with its member. The workspace gives one call the
-- batches of several requests that wait for the same turn (workspace/domain/ingest.ts), so the turn on the
-- workspace row, the commit and the statement's set-up are paid once for all of them. Each item is
-- answered by its place in the call (1, 2, ...), so two requests that send the same id in one call are
-- told apart: only the first place is stored.

DROP FUNCTION ingest_batch_answers(jsonb, uuid);
DROP FUNCTION ingest_batch(jsonb, uuid);

CREATE FUNCTION ingest_batch(batch jsonb) RETURNS TABLE (item_n int, item_stored boolean)
LANGUAGE plpgsql AS $$
DECLARE
  seq bigint;
  hook boolean;
  stored_ids uuid[];
  stored_ns bigint[];
  unknown_ns bigint[];
  touched text[];
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
    -- Leads with more than one verdict now, whose pointers the next statement sets. A lead judged for the
    -- first time has one verdict and empty pointers, as its facts were inserted.
    SELECT s.lead_key FROM inserted s GROUP BY s.lead_key HAVING count(*) > 1
    UNION SELECT p.lead_key FROM prior p WHERE p.had
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
         (SELECT array_agg(h.lead_key) FROM history h)
    INTO stored_ids, stored_ns, unknown_ns, touched;
  IF touched IS NOT NULL THEN
    PERFORM insight_pointers(touched);
  END IF;
  IF hook THEN
    -- New feedback for the team's chat webhook, in the call's order.
    INSERT INTO webhook_queue (feedback_id) SELECT u.id FROM unnest(stored_ids) WITH ORDINALITY AS u(id, k) ORDER BY u.k;
  END IF;
  -- The places stored now, and those refused for a campaign that is unknown or a draft.
  RETURN QUERY SELECT x::int, true FROM unnest(stored_ns) x UNION ALL SELECT x::int, false FROM unnest(unknown_ns) x;
END
$$;

-- Feedback points at members and briefs without foreign keys: schema 5 dropped them, a lookup and a row
-- lock per item in ingest's statement (about a third of it). What they guarded holds by construction:
-- ingest stores an item under the member its token belongs to (authenticate reads that member's row)
-- and under no campaign or one the same statement finds and finds not a draft (known, above); and a row
-- once pointed at is never deleted (a member is marked removed, a brief ended). The database now holds
-- that last part too: deleting from or truncating members or briefs is refused, whatever code asks. It
-- costs ingest nothing.
CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% are never deleted: feedback points at them', TG_TABLE_NAME
    USING HINT = 'Mark a member removed (removed_at), end a brief (status ended).';
END
$$;
CREATE TRIGGER members_kept BEFORE DELETE OR TRUNCATE ON members FOR EACH STATEMENT EXECUTE FUNCTION refuse_delete();
CREATE TRIGGER briefs_kept BEFORE DELETE OR TRUNCATE ON briefs FOR EACH STATEMENT EXECUTE FUNCTION refuse_delete();
