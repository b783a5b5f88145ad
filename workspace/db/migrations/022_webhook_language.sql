-- Sameroom workspace, schema 22. The language the team webhook's messages are written in, chosen in
-- the dashboard's Team settings beside the address: a Spanish-speaking team read every verdict's
-- message in English ("Good fit on “…”"), the dashboard and the panel in Spanish.
ALTER TABLE workspace
  ADD COLUMN webhook_language text NOT NULL DEFAULT 'en' CHECK (webhook_language IN ('en', 'es'));
