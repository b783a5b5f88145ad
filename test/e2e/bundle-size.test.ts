import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleSizeRows } from '../../bench/bundle-size';
import { CHROME_BUILD, FIREFOX_BUILD } from './harness/paths';

/**
 * The release builds' sizes against their budgets, as `npm run bench` reports them (bench/bundle-size.ts),
 * on every test run: a change that put the RE2 engine into the background (72 to 117 KB gzipped) and
 * Options (44 to 89 KB) passed the whole suite and was seen only by the next full bench.
 */
describe('the release builds, gzipped', () => {
  const rows = bundleSizeRows({ Chrome: CHROME_BUILD, Firefox: FIREFOX_BUILD });

  it.each(rows.map((row) => [row.name, row] as const))('%s is within its budget', (_, row) => {
    expect(row.value).toBeGreaterThan(0);
    expect(row.value).toBeLessThanOrEqual(row.budget as number);
  });
});

/**
 * The content scripts use the browser's own API object (wxt.config.ts): webextension-polyfill was a
 * fifth of the CRM content script, loaded on every CRM page. Its text, back in one, is found here.
 */
describe('the content scripts', () => {
  const POLYFILL = 'The message port closed before a response was received';
  it.each([
    ['Chrome', CHROME_BUILD],
    ['Firefox', FIREFOX_BUILD],
  ])('carry no webextension-polyfill (%s)', (_, build) => {
    for (const file of ['content-scripts/crm.js', 'content-scripts/custom-site.js'])
      expect(readFileSync(join(build, file), 'utf8')).not.toContain(POLYFILL);
  });
});
