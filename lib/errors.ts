/**
 * An error whose message is already worded for the rep (from `lib/i18n`): the background passes it on
 * as it is, where any other error is wrapped in "Could not do that: …".
 */
export class RepError extends Error {
  override readonly name: string = 'RepError';
}
