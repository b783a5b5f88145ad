import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const originals = { NumberFormat: Intl.NumberFormat, DateTimeFormat: Intl.DateTimeFormat };

/** Counts the formatters built from now on (a spy cannot stand in for a constructor here). */
function countBuilt(name: keyof typeof originals): { count: number } {
  const built = { count: 0 };
  Object.defineProperty(Intl, name, {
    configurable: true,
    writable: true,
    value: new Proxy(originals[name], {
      construct(target, args) {
        built.count++;
        return Reflect.construct(target, args);
      },
    }),
  });
  return built;
}

// Each test imports the formats module afresh (other files in its thread may have loaded it already).
beforeEach(() => vi.resetModules());
afterEach(() => Object.assign(Intl, originals));

describe('formats', () => {
  it('formats money, a share and a time, and shows a code Intl does not know as written', async () => {
    const { formatMoney, formatPercent, formatTime, formatWhen } = await import('../../../lib/i18n/formats');
    expect(formatMoney(12_000, 'EUR')).toMatch(/12,000/);
    expect(formatMoney(12_000, 'EUR')).toMatch(/€/);
    expect(formatMoney(5, 'NOT-A-CODE')).toBe('5 NOT-A-CODE');
    expect(formatPercent(0.25)).toMatch(/25\s?%/);
    expect(formatWhen('2026-03-04T10:30:00.000Z')).toMatch(/Mar/);
    const iso = '2026-03-04T10:30:00.000Z';
    expect(formatTime(iso)).toBe(
      new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
    );
  });

  it('says the day of a time that was not today, and only the time of one that was', async () => {
    const { formatAsOf, formatTime, formatWhen } = await import('../../../lib/i18n/formats');
    const now = new Date(2026, 11, 7, 9, 30);
    const thisMorning = new Date(2026, 11, 7, 8, 12).toISOString();
    const friday = new Date(2026, 11, 4, 8, 12).toISOString();
    expect(formatAsOf(thisMorning, now)).toBe(formatTime(thisMorning));
    expect(formatAsOf(friday, now)).toBe(formatWhen(friday));
    expect(formatAsOf(friday, now)).toMatch(/Dec/);
  });

  it('builds each formatter once, however often it is used', async () => {
    const built = countBuilt('NumberFormat');
    const { formatMoney, formatPercent } = await import('../../../lib/i18n/formats');
    for (let n = 0; n < 5; n++) {
      formatMoney(n, 'USD');
      formatPercent(n / 10);
    }
    expect(built.count).toBe(2);
  });

  // The first Intl formatter in a fresh extension process loads ICU's data (tens of ms in the panel's
  // frame after browser start): nothing may build one while the view's modules load.
  it('the panel view and the popup build no formatter while their modules load', async () => {
    const numbers = countBuilt('NumberFormat');
    const dates = countBuilt('DateTimeFormat');
    await import('../../../components/Panel');
    await import('../../../components/BriefView');
    await import('../../../components/VerdictHistory');
    await import('../../../components/OutboxView');
    expect(numbers.count).toBe(0);
    expect(dates.count).toBe(0);
  });

  it('warmFormats builds them ahead of their first use', async () => {
    const { warmFormats, formatPercent } = await import('../../../lib/i18n/formats');
    warmFormats();
    const built = countBuilt('NumberFormat');
    formatPercent(0.5);
    expect(built.count).toBe(0);
  });
});

describe('the locale numbers and dates are written in', () => {
  it('is the reader’s own tag for the language shown, else that language', async () => {
    const { formatLocale, setLanguage } = await import('../../../lib/i18n');
    try {
      setLanguage('es');
      // A reader in Mexico: their numbers, not Spain's (before: the bare 'es', 1.500,5).
      expect(formatLocale(['es-MX', 'en-US'])).toBe('es-MX');
      expect((1500.5).toLocaleString(formatLocale(['es-MX']))).toBe('1,500.5');
      // A browser in English with Spanish as a content language: Spanish dates beside Spanish words
      // (before: the browser's own locale, "Dec 6" beside "Campañas del").
      expect(formatLocale(['en-US', 'es'])).toBe('es');
      setLanguage('en');
      expect(formatLocale(['en-GB', 'es'])).toBe('en-GB');
      expect(formatLocale(['fr-FR'])).toBe('en');
    } finally {
      setLanguage('en');
    }
  });
});
