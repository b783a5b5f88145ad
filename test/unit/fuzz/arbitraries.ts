import fc from 'fast-check';

/**
 * Strings that break naive code: markup, bidi overrides, zero-width and combining marks, lone
 * surrogates, nulls, regular-expression metacharacters, prototype keys, very long words.
 */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u202e\u2066evil\u2069',
    '\ud800',
    '<img src=x onerror=alert(1)>',
    '__proto__',
    'constructor',
    '(?<id>x)',
    '(a+)+$',
    'Z̸̧̛̛̩̖a̵̛͎̓l̷̢̛͖g̴̛̹o̵̢̧',
    'x'.repeat(10_000),
    '٠١٢',
    'NaN',
    '-0',
  ),
);

/** Any value, including objects whose keys are prototype names and whose strings are nasty. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ withNullPrototype: true, withObjectString: true, withBoxedValues: true, withMap: true }),
  fc.jsonValue(),
  fc.dictionary(nastyString, fc.oneof(nastyString, fc.jsonValue()), { maxKeys: 6 }),
);

/** Runs `body` and fails if it throws or takes longer than `ms` (a hang shows as a slow run). */
export function quick<T>(ms: number, body: () => T): T {
  const started = performance.now();
  const result = body();
  const took = performance.now() - started;
  // The limit is the work's own; a busy machine (CI's two cores, a GC pause) gets five times that.
  // A backtracking pattern or a runaway loop takes seconds to forever, far past either.
  if (took > ms * 5) throw new Error(`took ${Math.round(took)} ms (limit ${ms} ms, ×5 for a busy machine)`);
  return result;
}
