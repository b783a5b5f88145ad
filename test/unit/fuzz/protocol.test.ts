import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCampaigns, readFeedbackPage, requests, responses } from '../../../lib/protocol';
import { brief, feedbackItem } from '../../support/examples';
import { anyValue, nastyString, quick } from './arbitraries';

/** A valid object with one field, at any depth, replaced by something else. */
function mutated(valid: () => object): fc.Arbitrary<unknown> {
  return fc.tuple(fc.nat(), anyValue).map(([pick, value]) => {
    const copy = structuredClone(valid()) as Record<string, unknown>;
    const paths: Array<[Record<string, unknown>, string]> = [];
    const walk = (node: unknown) => {
      if (typeof node !== 'object' || node === null) return;
      for (const key of Object.keys(node)) {
        paths.push([node as Record<string, unknown>, key]);
        walk((node as Record<string, unknown>)[key]);
      }
    };
    walk(copy);
    const [parent, key] = paths[pick % paths.length]!;
    parent[key] = value;
    return copy;
  });
}

describe('the protocol readers, fuzzed', () => {
  const envelopes = (key: string, entry: fc.Arbitrary<unknown>) =>
    fc.oneof(
      anyValue,
      fc.record({ [key]: fc.array(entry, { maxLength: 8 }), cursor: fc.oneof(anyValue, fc.constant(null)) }),
      fc.record({ [key]: fc.array(entry, { maxLength: 8 }) }),
    );

  it('read any campaigns answer without throwing, keeping only valid briefs', () => {
    fc.assert(
      fc.property(
        envelopes('campaigns', fc.oneof(mutated(brief), fc.constant(brief()), anyValue)),
        (json) => {
          const read = quick(500, () => readCampaigns(json));
          if (read.ok) {
            for (const item of read.items) expect(responses.Brief.safeParse(item).success).toBe(true);
            expect(read.rejected.every((r) => r.problems.length > 0 && r.problems.length <= 10)).toBe(true);
          } else {
            expect(typeof read.problem).toBe('string');
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('read any feedback page without throwing', () => {
    const record = () => ({ ...feedbackItem(), receivedAt: '2026-11-22T09:16:00.000Z', replies: [] });
    fc.assert(
      fc.property(envelopes('items', fc.oneof(mutated(record), anyValue)), (json) => {
        const read = quick(500, () => readFeedbackPage(json));
        expect(typeof read.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });

  it('every schema, request or response, answers any value with a verdict instead of throwing', () => {
    const schemas = [...Object.entries(responses), ...Object.entries(requests)];
    fc.assert(
      fc.property(
        fc.constantFrom(...schemas),
        fc.oneof(anyValue, mutated(brief), mutated(feedbackItem)),
        ([, schema], value) => {
          const result = quick(500, () => schema.safeParse(value));
          expect(typeof result.success).toBe('boolean');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps nasty text as it is, never anything but a string', () => {
    fc.assert(
      fc.property(nastyString, (text) => {
        const result = responses.Signals.safeParse({ leadSource: text });
        if (result.success) expect(typeof result.data.leadSource).toBe('string');
      }),
      { numRuns: 200 },
    );
  });
});
