import { describe, expect, it } from 'vitest';
import { t } from '../../lib/i18n';

describe('text', () => {
  it('fills placeholders in order, as plain text', () => {
    expect(t('linkedAs', 'Acme', 'Ana <b>Ruiz</b>', 'rep')).toBe('Linked to Acme as Ana <b>Ruiz</b> (rep)');
  });

  it('leaves a placeholder with no value visible rather than inventing one', () => {
    expect(t('panelRecord', 'Salesforce')).toBe('Salesforce · $2');
  });
});
