import { LANGUAGES, type Language } from './index';

/** `public/_locales/<language>/messages.json` as the browser reads it, from our dictionaries. */
export function localeMessages(language: Language): Record<string, { message: string }> {
  return Object.fromEntries(Object.entries(LANGUAGES[language]).map(([key, message]) => [key, { message }]));
}
