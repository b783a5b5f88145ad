import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CsvLink, inReadersDialect, semicolonReader } from '../../../workspace/dashboard/csv-link';

afterEach(() => {
  vi.unstubAllGlobals();
  render(null, document.body);
});

describe('the CSV exports, in the dialect of the reader’s spreadsheet', () => {
  it('takes semicolons where the browser’s language writes decimals with a comma', () => {
    // Excel's list separator follows the system's region: ';' wherever its decimal mark is ','.
    for (const language of ['es-ES', 'es', 'de-DE', 'fr-FR', 'pt-BR', 'it'])
      expect(semicolonReader(language)).toBe(true);
    for (const language of ['en-US', 'en-GB', 'es-MX', 'ja', undefined, ''])
      expect(semicolonReader(language)).toBe(false);
    // A tag Intl cannot read: commas, as before.
    expect(semicolonReader('not a tag!')).toBe(false);
  });

  it('asks the workspace for that dialect, with or without a query already', () => {
    expect(inReadersDialect('/api/v1/feedback?campaign=x&format=csv', true)).toBe(
      '/api/v1/feedback?campaign=x&format=csv&sep=semicolon',
    );
    expect(inReadersDialect('/api/v1/insights.csv', true)).toBe('/api/v1/insights.csv?sep=semicolon');
    expect(inReadersDialect('/api/v1/insights.csv', false)).toBe('/api/v1/insights.csv');
  });

  it.each([
    ['Spain', 'es-ES', '/api/v1/feedback?format=csv&sep=semicolon', /semicolons/],
    ['the United States', 'en-US', '/api/v1/feedback?format=csv', /commas/],
  ])(
    'links a reader in %s to the file their Excel opens, and says which on the link',
    (_, language, href, said) => {
      vi.stubGlobal('navigator', { ...navigator, language, languages: [language] });
      render(
        <CsvLink href="/api/v1/feedback?format=csv" label="Export" fallbackName="x.csv" />,
        document.body,
      );
      const link = document.querySelector('a')!;
      expect(link.getAttribute('href')).toBe(href);
      expect(link.title).toMatch(said);
    },
  );
});
