import { RE2JS } from 're2js';
import {
  type PatternProblem,
  readsFragment,
  readsHashInside,
  readsWholeUrl,
  recordSubject,
} from './site-rules';

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
  if (readsHashInside(source)) return 'hashInside';
  const compiled = compileRecordPattern(source);
  return compiled.ok ? null : compiled.problem;
}

/**
 * The record the pattern finds in the page's address: its id and, for a pattern that runs on the
 * fragment, the route there (what it matched, which must begin at the fragment's start), or null.
 */
export function recordIn(
  pattern: RecordPattern,
  url: URL,
  query: readonly string[] = [],
): { id: string; route?: string } | null {
  const fragment = readsFragment(pattern.pattern());
  // re2js types exec() as any[]; at run time it is shaped like RegExpExecArray, named groups included.
  const found = pattern.exec(fragment ? url.hash : recordSubject(url, query)) as RegExpExecArray | null;
  const id = found?.groups?.id;
  if (!id) return null;
  // A fragment pattern names the page's own route, from the fragment's start: one found further on
  // (`#/leads/list?back=#/leads/record/<id>`, a link anyone can write) was taken for the record the page
  // shows, and the rep's verdict went to the record the link chose.
  if (fragment) return found.index === 0 ? { id, route: found[0] } : null;
  return { id };
}
