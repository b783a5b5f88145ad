import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { signal } from '@preact/signals';
import { h, render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkStatus } from '../../components/LinkStatus';
import { LANGUAGES, priorityLabel, setLanguage, t, tn, uiLanguage, verdictLabel } from '../../lib/i18n';
import { DASHBOARD_LANGUAGES } from '../../lib/i18n/dashboard';
import { dashboardEn } from '../../lib/i18n/dashboard-en';
import { en } from '../../lib/i18n/en';
import { localeMessages } from '../../lib/i18n/locales';

const ROOT = join(import.meta.dirname, '..', '..');

afterEach(() => setLanguage('en'));

/** Every source file that may show text: where a key must be used to count as used. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

describe('text', () => {
  it('fills placeholders in order, as plain text', () => {
    expect(t('linkedAs', 'Acme', 'Ana <b>Ruiz</b>', 'rep')).toBe('Linked to Acme as Ana <b>Ruiz</b> (rep)');
  });

  it('leaves a placeholder with no value visible rather than inventing one', () => {
    expect(t('panelRecord', 'Salesforce')).toBe('Salesforce · $2');
  });

  it('speaks Spanish to a Spanish browser, English otherwise', () => {
    expect(uiLanguage(['es-MX', 'en'])).toBe('es');
    expect(uiLanguage(['fr-FR', 'de'])).toBe('en');
    setLanguage('es');
    expect(t('linkedAs', 'Acme', 'Ana Ruiz', 'rep')).toBe('Vinculado a Acme como Ana Ruiz (rep)');
  });

  it('says one of a thing in the singular, in both languages', () => {
    expect(tn('panelUnsent', 1)).toBe('1 unsent verdict on this lead');
    expect(tn('panelUnsent', 2)).toBe('2 unsent verdicts on this lead');
    expect(tn('outboxOtherRep', 1, 'Ana')).toBe(
      '1 verdict was given by Ana in this browser. It is kept for Ana and sent only once Ana links it again.',
    );
    setLanguage('es');
    expect(tn('cacheSkipped', 1)).toBe('1 campaña no se pudo leer y no se muestra.');
    expect(tn('cacheSkipped', 0)).toBe('0 campañas no se pudieron leer y no se muestran.');
  });

  it('names a priority and a role in the rep’s language, not as the protocol spells them', () => {
    setLanguage('es');
    expect(priorityLabel('high')).toBe('Prioridad alta');
    expect(priorityLabel('low')).toBe('Prioridad baja');
    const status = document.createElement('div');
    const me = { workspace: { name: 'Acme' }, member: { name: 'Ana Ruiz', role: 'rep' } };
    render(h(LinkStatus, { state: signal({ kind: 'ready', status: { me } } as never) }), status);
    expect(status.textContent).toBe('Vinculado a Acme como Ana Ruiz (comercial)');
  });
});

describe('the dictionaries', () => {
  const keys = Object.keys(en).sort();

  it.each(Object.keys(LANGUAGES))(
    '%s has every key and no other, each with the same placeholders',
    (language) => {
      const dictionary = LANGUAGES[language as keyof typeof LANGUAGES] as Record<string, string>;
      expect(Object.keys(dictionary).sort()).toEqual(keys);
      for (const key of keys) {
        const placeholders = (text: string) => [...text.matchAll(/\$\d/g)].map((m) => m[0]).sort();
        expect(placeholders(dictionary[key]!), key).toEqual(
          placeholders((en as Record<string, string>)[key]!),
        );
        expect(dictionary[key]!.trim(), key).not.toBe('');
      }
    },
  );

  it('has no key that no code uses', () => {
    const code = [
      ...sources(join(ROOT, 'components')),
      ...sources(join(ROOT, 'entrypoints')),
      ...sources(join(ROOT, 'lib')).filter((file) => !/lib\/i18n\/(en|es)\.ts$/.test(file)),
      join(ROOT, 'wxt.config.ts'),
    ]
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const unused = keys.filter((key) => !code.includes(`'${key}'`) && !code.includes(`__MSG_${key}__`));
    expect(unused).toEqual([]);
  });

  it.each(Object.keys(LANGUAGES))(
    'public/_locales/%s/messages.json matches lib/i18n (run npm run locales)',
    (language) => {
      const file = join(ROOT, 'public', '_locales', language, 'messages.json');
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(
        localeMessages(language as keyof typeof LANGUAGES),
      );
    },
  );
});

describe("the dashboard's dictionaries", () => {
  const keys = Object.keys(dashboardEn).sort();
  const placeholders = (text: string) => [...text.matchAll(/\$\d/g)].map((m) => m[0]).sort();

  it.each(Object.keys(DASHBOARD_LANGUAGES))(
    '%s has every key and no other, each with the same placeholders',
    (language) => {
      const dictionary = DASHBOARD_LANGUAGES[language as keyof typeof DASHBOARD_LANGUAGES];
      expect(Object.keys(dictionary).sort()).toEqual(keys);
      for (const key of keys) {
        const text = (dictionary as Record<string, string>)[key]!;
        expect(placeholders(text), key).toEqual(placeholders((dashboardEn as Record<string, string>)[key]!));
        expect(text.trim(), key).not.toBe('');
      }
    },
  );

  it('has no key the dashboard does not use', () => {
    const code = sources(join(ROOT, 'workspace', 'dashboard'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    expect(keys.filter((key) => !code.includes(`'${key}'`))).toEqual([]);
  });

  it("words verdicts only through the extension's dictionary, so the dashboard and the panel agree", () => {
    const code = sources(join(ROOT, 'workspace', 'dashboard'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    expect(code).not.toMatch(/VERDICT_LABELS|'Tire-kicker'|'Bad contact'/);
    for (const language of Object.keys(LANGUAGES) as Array<keyof typeof LANGUAGES>) {
      setLanguage(language);
      const words = Object.values(DASHBOARD_LANGUAGES[language]);
      for (const verdict of ['tire_kicker', 'bad_contact', 'wrong_audience', 'not_ready'] as const) {
        expect(words, `${language} ${verdict}`).not.toContain(verdictLabel(verdict));
      }
    }
  });
});
