-- Sameroom workspace, schema 19. Dashboard sessions get a non-secret id and the browser they were
-- started in, so an admin sees them among a member's linked browsers and can end one: a marketer's
-- join link that leaked started a 30-day session that nothing but removing the member could end.
ALTER TABLE sessions ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid(), ADD COLUMN browser text;
CREATE UNIQUE INDEX sessions_id ON sessions (id);
CREATE INDEX sessions_member ON sessions (member_id);
