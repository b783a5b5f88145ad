import { RE2JS } from 're2js';
import { type PatternProblem, readsFragment, readsWholeUrl, recordSubject } from './site-rules';

/**
 * A custom site's record pattern, run by RE2 (re2js): matching takes time linear in the address
 * whatever the rep typed, so a pattern can never hang a CRM tab. RE2 has no backreferences or
 * lookarounds; a pattern that needs them is refused when it is saved.
 */
export type RecordPattern = RE2JS;

export type PatternCheck = { ok: true; pattern: RecordPattern } | { ok: false; problem: 'syntax' | 'noId' };

export function compileRecordPattern(source: string): PatternCheck {
  let pattern: RE2JS;
  try {
    pattern = RE2JS.compile(source);
  } catch {
    return { ok: false, problem: 'syntax' };
  }
  return Object.hasOwn(pattern.namedGroups(), 'id') ? { ok: true, pattern } : { ok: false, problem: 'noId' };
}

/** What is wrong with a record pattern the rep typed, or null when RE2 runs it on the path. */
export function patternProblem(source: string): PatternProblem | null {
  if (readsWholeUrl(source)) return 'wholeUrl';
  const compiled = compileRecordPattern(source);
  return compiled.ok ? null : compiled.problem;
}

/** The record id the pattern finds in the page's address, or undefined. */
export function recordIdIn(
  pattern: RecordPattern,
  url: URL,
  query: readonly string[] = [],
): string | undefined {
  const subject = readsFragment(pattern.pattern()) ? url.hash : recordSubject(url, query);
  // re2js types exec() as any[]; at run time it is shaped like RegExpExecArray, named groups included.
  const found = pattern.exec(subject) as RegExpExecArray | null;
  return found?.groups?.id || undefined;
}
