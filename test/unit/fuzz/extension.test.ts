import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { Message } from '../../../lib/background/registry';
import { handleMessage } from '../../../lib/background/router';
import { ADAPTERS, adapterFor, detectLead } from '../../../lib/crm';
import { customAdapter } from '../../../lib/crm/custom';
import type { SenderInfo } from '../../../lib/messages';
import { checkCustomSite } from '../../../lib/settings/custom-site';
import { openSameroomDb } from '../../../lib/store/db';
import { loadFixtures } from '../../support/fixtures';
import { anyValue, nastyString, quick } from './arbitraries';

const OURS = { id: 'sameroom-test-id', origin: 'chrome-extension://sameroom-test-id/' };
const MESSAGE_TYPES = [
  'status',
  'openOptions',
  'link',
  'lead',
  'pick',
  'verdict',
  'undo',
  'history',
  'outbox',
  'syncNow',
  'resend',
  'discard',
  'repliesSeen',
  'campaigns',
  'unlink',
];

/** A message-shaped object: a real type, then any other keys. */
const messageLike = fc
  .tuple(fc.constantFrom(...MESSAGE_TYPES), fc.dictionary(nastyString, anyValue, { maxKeys: 5 }))
  .map(([type, rest]) => ({ ...rest, type }));

const sender: fc.Arbitrary<SenderInfo> = fc.record(
  {
    id: fc.oneof(fc.constant(OURS.id), nastyString),
    url: fc.oneof(fc.webUrl(), fc.constant(`${OURS.origin}popup.html`), nastyString),
    hasTab: fc.boolean(),
    frameId: fc.integer({ min: -1, max: 5 }),
  },
  { requiredKeys: ['hasTab'] },
);

describe('messages to the background, fuzzed', () => {
  it('the schema answers anything without throwing', () => {
    fc.assert(
      fc.property(fc.oneof(anyValue, messageLike), (raw) => {
        const parsed = quick(200, () => Message.safeParse(raw));
        expect(typeof parsed.success).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('the background answers every message from any sender with an envelope, never a throw', async () => {
    const db = await openSameroomDb();
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyValue, messageLike), sender, async (raw, from) => {
        const answer = await handleMessage(raw, from, {
          ours: OURS,
          isCrmUrl: (url) => adapterFor(url) !== null,
          db: async () => db,
          openOptions: vi.fn(async () => undefined),
          sync: vi.fn(async () => undefined),
          outboxChanged: vi.fn(),
          fetchFn: (async () => {
            throw new TypeError('offline');
          }) as unknown as typeof fetch,
        });
        expect(typeof answer.ok).toBe('boolean');
        if (!answer.ok) expect(typeof answer.error).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});

describe('custom-site validation, fuzzed', () => {
  const input = fc.record({
    label: nastyString,
    match: fc.oneof(
      nastyString,
      fc.webUrl().map((url) => url.replace(/^(https?:\/\/[^/]+).*$/, '$1/*')),
      fc.domain().map((host) => `https://*.${host}/*`),
    ),
    recordPattern: fc.oneof(
      nastyString,
      fc.stringMatching(/^[/()?<>a-z\\d+*.[\]{},|^$=!-]{0,40}$/),
      nastyString.map((text) => `/x/(?<id>${text})`),
    ),
    recordQuery: fc.oneof(nastyString, fc.constant('lid, tab')),
    objectType: fc.oneof(fc.constantFrom('lead', 'contact', 'deal', 'person'), nastyString),
    fields: fc.dictionary(
      fc.constantFrom('leadSource', 'campaignName', 'utmCampaign', 'region', '__proto__', 'x'),
      fc.record({ selector: nastyString, label: nastyString }, { requiredKeys: [] }),
    ),
  });

  it('answers every input with a site or problems, and an accepted site reads any page quickly', () => {
    fc.assert(
      fc.property(fc.oneof(input, anyValue), fc.webPath(), nastyString, (raw, path, junk) => {
        const checked = quick(200, () => checkCustomSite(raw, 'site-1'));
        if (!checked.ok) {
          expect(Object.values(checked.problems).every((text) => typeof text === 'string')).toBe(true);
          return;
        }
        expect(checked.site.match.startsWith('https://')).toBe(true);
        const adapter = customAdapter(checked.site);
        // Through URL itself: encodeURIComponent throws on a lone surrogate, which a page's address cannot hold.
        const url = new URL(`https://crm.example.test${path}`);
        url.searchParams.set('q', junk);
        url.hash = junk;
        quick(200, () => adapter.recognise(url));
        quick(500, () => adapter.readSignals(document, { objectType: 'lead', recordId: 'x' }));
      }),
      { numRuns: 400 },
    );
  });
});

/** A random document: nested elements with CRM-ish tags, attributes and nasty text. */
const element: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString.map((text) => text.replace(/[<&]/g, ' ')),
    fc
      .tuple(
        fc.constantFrom(
          'div',
          'span',
          'label',
          'dt',
          'dd',
          'td',
          'th',
          'input',
          'records-record-layout-item',
          'p',
        ),
        fc.dictionary(
          fc.constantFrom(
            'class',
            'id',
            'data-field',
            'data-testid',
            'for',
            'value',
            'aria-label',
            'title',
            'data-zcqa',
          ),
          nastyString.map((text) => text.replace(/["&]/g, "'")),
          { maxKeys: 3 },
        ),
        fc.array(tie('node'), { maxLength: 4 }),
      )
      .map(
        ([tag, attributes, children]) =>
          `<${tag} ${Object.entries(attributes)
            .map(([name, value]) => `${name}="${value}"`)
            .join(' ')}>${children.join('')}</${tag}>`,
      ),
  ),
})).node;

/** Real record-page addresses of every built-in CRM (the saved pages'), with random query strings. */
const crmUrl = fc
  .tuple(
    fc.constantFrom(...loadFixtures().map((fixture) => fixture.url)),
    fc.webQueryParameters(),
    nastyString,
  )
  .map(([url, query, fragment]) => `${url}${url.includes('?') ? '&' : '?'}${query}#${fragment}`);

describe('detectLead on generated documents, fuzzed', () => {
  it('never throws or hangs, and finds a lead only where an adapter serves the address', () => {
    let found = 0;
    fc.assert(
      fc.property(
        fc.array(element, { maxLength: 6 }),
        fc.oneof(crmUrl, crmUrl, fc.webUrl(), nastyString),
        (body, url) => {
          const doc = new DOMParser().parseFromString(
            `<!doctype html><body>${body.join('')}</body>`,
            'text/html',
          );
          const lead = quick(1_000, () => detectLead(url, doc));
          if (lead) {
            found += 1;
            expect(adapterFor(new URL(url), ADAPTERS)).not.toBeNull();
            expect(lead.recordId).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/);
          }
        },
      ),
      { numRuns: 200 },
    );
    // The generator reaches record pages, so the adapters' readers really ran on the documents: about
    // 70 of the 200 runs (61-89 in ten runs), and once 50 in CI, which a bound of 50 failed; 25 is far
    // below chance's reach and still fails a generator that no longer reaches records.
    expect(found).toBeGreaterThan(25);
  });
});
