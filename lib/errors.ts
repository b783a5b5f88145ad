import { t } from './i18n';

/**
 * An error whose message is already worded for the rep (from `lib/i18n`): the background passes it on
 * as it is, where any other error is wrapped in "Could not do that: …".
 */
export class RepError extends Error {
  override readonly name: string = 'RepError';
}

/** An error as the rep reads it: a RepError as it is, anything else as "Could not do that: …". */
export function inWords(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return error instanceof RepError ? text : t('errCouldNot', text);
}
