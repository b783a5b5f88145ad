/**
 * `npm run locales`: writes public/_locales/{en,es}/messages.json from lib/i18n, so the browser's own
 * strings (the extension's name, description and command names) come from the same dictionaries.
 * A unit test fails when the files and the dictionaries disagree.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGUAGES, type Language } from '../lib/i18n';
import { localeMessages } from '../lib/i18n/locales';

const ROOT = join(import.meta.dirname, '..');
for (const language of Object.keys(LANGUAGES) as Language[]) {
  const dir = join(ROOT, 'public', '_locales', language);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'messages.json'), `${JSON.stringify(localeMessages(language), null, 2)}\n`);
}
console.log(`Wrote public/_locales for ${Object.keys(LANGUAGES).join(', ')}.`);
