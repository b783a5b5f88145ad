-- Sameroom workspace, schema 20. The ingest call and the pointers it moves run without JIT compilation.
-- On a PostgreSQL server (jit on by default since 12), once autoanalyze had counted feedback's rows after
-- a few rounds of leads judged again, the pointers' statement was estimated at about a million (it
-- reads a few rows per lead), past jit_optimize_above_cost and jit_inline_above_cost: every call then
-- compiled it with LLVM, about 580 ms a call (auto_explain: "JIT: Functions: 71, Inlining true,
-- Optimization true"), and verdicts went in at half the pace from that round on (bench: the same 25,000
-- leads judged again, 4th round against the 2nd, 0.56). The Insights' queries run without it already
-- (withInsightSettings). PGlite has no JIT: the setting changes nothing there.
ALTER FUNCTION ingest_items(jsonb) SET jit = off;
ALTER FUNCTION insight_pointers_since(text[], timestamptz[]) SET jit = off;
-- The previous version's call, which stores while several processes restart one by one.
ALTER FUNCTION ingest_batch(jsonb) SET jit = off;
