import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth: the same item always gives the same bytes. Written as
 * loops rather than Object.entries/filter/map/join because ingest hashes every item it receives; the
 * bytes are those of the plain definition (test/workspace/canonical.test.ts holds the two together).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += `${i > 0 ? ',' : ''}${canonicalJson(value[i]) ?? ''}`;
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  // The default sort compares UTF-16 code units, as `<` does.
  const keys = Object.keys(object).sort();
  let out = '{';
  for (const key of keys) {
    const item = object[key];
    if (item === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}

/** SHA-256 of the canonical JSON's UTF-8 bytes, by the one-shot crypto.hash: no Hash object per item. */
export function canonicalHash(value: unknown): Buffer {
  return hash('sha256', canonicalJson(value), 'buffer');
}
