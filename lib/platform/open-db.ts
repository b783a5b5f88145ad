import { browser } from 'wxt/browser';
import { RepError } from '../errors';
import { t } from '../i18n';
import { openSameroomDb } from '../store/db';

/**
 * The background's database, opened as `openSameroomDb` opens it, and when it cannot be opened because
 * the whole browser is private, an error that says so. Firefox set never to remember history
 * (`browser.privatebrowsing.autostart`) runs the extension itself in private browsing, where its
 * IndexedDB refuses to open ("A mutation operation was attempted on a database that did not allow
 * mutations", an InvalidStateError): said as a full disk, it sent the rep to free space in vain.
 */
export const openInThisBrowser: typeof openSameroomDb = (name, events) =>
  openSameroomDb(name, events).catch((error: unknown) => {
    const refused = (error as { name?: unknown } | null)?.name === 'InvalidStateError';
    throw refused && browser.extension?.inIncognitoContext === true
      ? new RepError(t('errStorageNeverRemember'))
      : error;
  });
