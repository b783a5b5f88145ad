-- Sameroom workspace, schema 3. Tokens get a non-secret id, so an admin can name one browser to revoke
-- without the hash ever leaving the database; a code replaced by a newer one for its member says so.

ALTER TABLE tokens ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX tokens_id ON tokens (id);
ALTER TABLE codes ADD COLUMN replaced_at timestamptz;
CREATE INDEX codes_member ON codes (member_id) WHERE used_at IS NULL;
