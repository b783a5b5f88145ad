-- Sameroom workspace, schema 21. What became of the team webhook's messages, for the dashboard's Team
-- settings: when one was last delivered, the last refusal and when, and how many were lost (given up
-- after their last try, or dropped a day after they were queued) since the address was saved. Before,
-- only the server's log said so, which marketing does not read: a chat webhook deleted on Slack's side
-- lost every verdict's message for weeks while Settings showed the address as if all was well.
ALTER TABLE workspace
  ADD COLUMN webhook_delivered_at timestamptz,
  ADD COLUMN webhook_refused_at timestamptz,
  ADD COLUMN webhook_refusal text,
  ADD COLUMN webhook_lost integer NOT NULL DEFAULT 0;
