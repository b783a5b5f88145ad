import type { FeedbackItem } from '../protocol';

/**
 * What a workspace refused that a verdict can go without, kept in this browser beside the verdict: the
 * answers to the brief's questions (a workspace older than answers refuses the key), the record's
 * address (one an earlier version took, such as a custom site's http:// page, that today's refuses), a
 * signal, a custom site's host (a workspace older than sites refuses the key). Refused for one of
 * these, the verdict was a dead letter its Resend could not put right (the same field went again):
 * lost, for something it did not need.
 */
export interface Withheld {
  answers?: FeedbackItem['answers'];
  url?: string;
  signals?: Partial<FeedbackItem['signals']>;
  site?: string;
}

/** The names a refusal of unknown keys gives (zod 4: `Unrecognized keys: "a", "b"`; zod 3: 'a', 'b'). */
function unrecognized(message: string): string[] | null {
  if (!/^Unrecognized key/i.test(message)) return null;
  return [...message.matchAll(/["']([^"']+)["']/g)].map((match) => match[1]!);
}

/**
 * The item without the field `error` (a workspace's `invalid` answer, "path: message") refused, when
 * it is one the verdict can go without, and what was taken out; null when the refusal is of anything
 * else (the rep's note, the verdict itself), which stays the dead letter it is.
 */
export function withoutRefused(
  item: FeedbackItem,
  error: string | undefined,
): { item: FeedbackItem; withheld: Withheld } | null {
  const match = /^(?:([\w.]+): )?(.*)$/s.exec(error ?? '');
  if (!match) return null;
  const [, path = '', message = ''] = match;
  const keys = unrecognized(message);
  if (path === '' && keys?.includes('answers') && item.answers) {
    const { answers, ...rest } = item;
    return { item: rest, withheld: { answers } };
  }
  if ((path === 'lead.url' || (path === 'lead' && keys?.includes('url'))) && item.lead.url) {
    const { url, ...lead } = item.lead;
    return { item: { ...item, lead }, withheld: { url } };
  }
  if ((path === 'lead.site' || (path === 'lead' && keys?.includes('site'))) && item.lead.site) {
    const { site, ...lead } = item.lead;
    return { item: { ...item, lead }, withheld: { site } };
  }
  const signal = path.startsWith('signals.')
    ? [path.slice('signals.'.length)]
    : path === 'signals'
      ? keys
      : null;
  const named = (signal ?? []).filter((key) => Object.hasOwn(item.signals, key));
  if (named.length > 0) {
    const signals = { ...item.signals } as Record<string, unknown>;
    const taken: Record<string, unknown> = {};
    for (const key of named) {
      taken[key] = signals[key];
      delete signals[key];
    }
    return {
      item: { ...item, signals: signals as FeedbackItem['signals'] },
      withheld: { signals: taken as Withheld['signals'] },
    };
  }
  return null;
}

/** Which kinds of field were withheld, for the history to say. */
export function withheldNames(withheld: Withheld): Array<'answers' | 'url' | 'signals' | 'site'> {
  return (['answers', 'url', 'signals', 'site'] as const).filter((name) => withheld[name] !== undefined);
}

/** Two sets of withheld fields as one (a verdict refused for one field, then for another). */
export function withheldBoth(earlier: Withheld | undefined, now: Withheld): Withheld {
  return {
    ...earlier,
    ...now,
    ...(earlier?.signals || now.signals ? { signals: { ...earlier?.signals, ...now.signals } } : {}),
  };
}
