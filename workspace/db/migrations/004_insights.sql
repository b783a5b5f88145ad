-- Sameroom workspace, schema 4. The Insights page flags campaigns and channels whose share of
-- tire-kickers is above a threshold the team sets (issue 15): a share of leads, 0 to 1.

ALTER TABLE workspace ADD COLUMN tire_kicker_threshold numeric(4, 3) NOT NULL DEFAULT 0.3
  CHECK (tire_kicker_threshold >= 0 AND tire_kicker_threshold <= 1);
