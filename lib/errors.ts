import { t } from './i18n';

/**
 * An error whose message is already worded for the rep (from `lib/i18n`): the background passes it on
 * as it is, where any other error is wrapped in "Could not do that: …".
 */
export class RepError extends Error {
  override readonly name: string = 'RepError';
}

/**
 * The browser's storage is full: IndexedDB's QuotaExceededError (the profile's quota), or the disk under
 * it, as Chromium words it: "Connection is closing because of: IO error: …/000003.log:
 * FILE_ERROR_NO_SPACE" on a write (its profile on a full disk, test/e2e/full-disk.chromium.test.ts), and
 * "Encountered full disk" when it cannot open its files.
 */
export function storageFull(error: unknown): boolean {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  return (
    name === 'QuotaExceededError' ||
    (typeof message === 'string' && /full disk|quota|no_?space|ENOSPC|disk is full/i.test(message))
  );
}

/**
 * An error as the rep reads it: a RepError as it is, a full storage as what to do about it, anything
 * else as "Could not do that: …".
 */
export function inWords(error: unknown): string {
  if (error instanceof RepError) return error.message;
  if (storageFull(error)) return t('errStorageFull');
  // The database unusable after a failed write on a full disk: Chromium's, opened again while the disk
  // still is ("Internal error opening backing store"); Firefox's ("A mutation operation was attempted on
  // a database that did not allow mutations", an InvalidStateError, also met in private windows).
  const text = error instanceof Error ? error.message : String(error);
  if (/error opening backing store|did not allow mutations/i.test(text)) return t('errStorageOpen');
  return t('errCouldNot', text);
}
