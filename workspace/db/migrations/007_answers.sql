-- Sameroom workspace, schema 7. A rep's answers to the brief's questions for sales (issue 15): a feedback
-- item may carry `answers`, a short list of { question, answer } (null when it carries none, as every
-- item stored before this did). GET /api/v1/answers groups them per campaign and question.
ALTER TABLE feedback ADD COLUMN answers jsonb;

-- ingest_batch (schema 5) with the answers: the same call, then, in the same transaction, each item
-- stored now gets its answers. An item counts as stored now when its row has no answers yet and the
-- same hash (the hash covers the answers, so a duplicate with answers was stored with them, and a
-- conflict has another hash). A batch without answers updates nothing. A wrapper rather than a new
-- ingest_batch, so that this stays true whatever ingest_batch becomes.
CREATE FUNCTION ingest_batch_answers(batch jsonb, member uuid) RETURNS TABLE (item_id text, item_stored boolean)
LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY SELECT r.item_id, r.item_stored FROM ingest_batch(batch, member) r;
  UPDATE feedback f SET answers = i.answers
    FROM jsonb_to_recordset(batch) AS i(id uuid, answers jsonb, hash bytea)
   WHERE i.answers IS NOT NULL AND f.id = i.id AND f.answers IS NULL AND f.member_id = member
     AND f.hash = i.hash;
END
$$;
