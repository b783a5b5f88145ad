-- Sameroom workspace, schema 16. Ingest throughput on a PostgreSQL server (issue 10): every new verdict
-- wrote an entry in each index of insight_facts, and insight_facts_rep (schema 9: rep and instant, with seven columns included) is the
-- widest of them and read by no query since schema 11. It served the Insights filters with a rep and a
-- period from the index alone; those filters read insight_days now (workspace/domain/insights.ts,
-- countedLeads), and the latest verdict's instant is read through insight_facts_created. The page's
-- statements read insight_facts for that instant only (test/workspace/insight-counts.test.ts asks every
-- filter). Measured on a PostgreSQL server, 200 calls of 100 new leads interleaved call by call with and
-- without it: 1,296/1,240/1,261/1,608 ms of ingest_batch with it, 1,268/1,183/1,223/1,574 ms without.
DROP INDEX insight_facts_rep;
