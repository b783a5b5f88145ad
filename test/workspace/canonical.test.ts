import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalHash, canonicalJson } from '../../workspace/domain/canonical';
import { feedbackItem } from '../support/examples';

/** The plain definition the stored hashes were made with: canonicalJson must give the same bytes. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('canonical JSON', () => {
  it('gives the bytes of the plain definition for any JSON-like value, undefined members included', () => {
    const value = fc.letrec((tie) => ({
      any: fc.oneof(
        { depthSize: 'small' },
        fc.constant(undefined),
        fc.constant(null),
        fc.boolean(),
        fc.double(),
        fc.string({ unit: 'binary' }),
        fc.array(tie('any')),
        fc.dictionary(fc.string({ unit: 'binary' }), tie('any')),
      ),
    })).any;
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
      }),
      { numRuns: 2_000 },
    );
  });

  it('hashes a verdict as it always has: a resend stays a duplicate across versions', () => {
    expect(canonicalHash(feedbackItem()).toString('hex')).toBe(
      '8e9efdb138677b00ef78c2a5b63f2ab4300eb7d6af7091bb1aa7b1d74946f24e',
    );
  });

  it('hashes the UTF-8 bytes of the canonical JSON, as a Hash object did, for any readable text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme-ascii' }), (note, region) => {
        const item = feedbackItem({ note, region: `${region}Zürich ✓ 𝄞` });
        expect(canonicalHash(item)).toEqual(
          createHash('sha256').update(canonicalJson(item), 'utf8').digest(),
        );
      }),
      { numRuns: 500 },
    );
  });
});
