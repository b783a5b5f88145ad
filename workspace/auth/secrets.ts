import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes as base64url: bearer tokens, link codes, session ids. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a secret: its SHA-256, so a leaked table grants nothing. */
export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
