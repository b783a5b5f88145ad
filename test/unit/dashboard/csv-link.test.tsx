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

  it('links a reader in Spain to the semicolon file, and says so on the link', () => {
    vi.stubGlobal('navigator', { ...navigator, language: 'es-ES', languages: ['es-ES'] });
    render(<CsvLink href="/api/v1/feedback?format=csv" label="Export" fallbackName="x.csv" />, document.body);
    const link = document.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('/api/v1/feedback?format=csv&sep=semicolon');
    expect(link.title).toMatch(/semicolons/);
  });

  it('links a reader in the United States to the comma file', () => {
    vi.stubGlobal('navigator', { ...navigator, language: 'en-US', languages: ['en-US'] });
    render(<CsvLink href="/api/v1/feedback?format=csv" label="Export" fallbackName="x.csv" />, document.body);
    const link = document.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('/api/v1/feedback?format=csv');
    expect(link.title).toMatch(/commas/);
  });
});
