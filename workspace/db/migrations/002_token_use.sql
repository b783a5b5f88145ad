-- Sameroom workspace, schema 2. Tokens remember when they were last used and by which browser, so an
-- admin can see each member's linked browsers and revoke one, and tokens unused for long can expire.

ALTER TABLE tokens ADD COLUMN last_used_at timestamptz;
ALTER TABLE tokens ADD COLUMN browser text;
UPDATE tokens SET last_used_at = created_at;
