import type { IDBPDatabase } from 'idb';
import type { CampaignCache, LinkRecord, SameroomDb } from './db';

/**
 * The link, the briefs' cache and the rep's picks, kept in the background's memory once read (issue
 * 11): a lead page, a click and the popup read them on every message, and a read from IndexedDB (a structured clone of
 * every brief) cost milliseconds each time. The background is the only writer of both records, and
 * every write goes through `forgetKept` or `keep` once it has committed, so memory never holds what
 * the disk does not. What is returned is shared: callers must not change it.
 */
type Pick = SameroomDb['picks']['value'];

interface Kept {
  link?: Promise<LinkRecord | undefined>;
  campaigns?: Promise<CampaignCache | undefined>;
  /** Every record's pick, by lead key: a few per rep, and read on every move between records. */
  picks?: Promise<Map<string, Pick>>;
}

const kept = new WeakMap<IDBPDatabase<SameroomDb>, Kept>();

function keptFor(db: IDBPDatabase<SameroomDb>): Kept {
  let entry = kept.get(db);
  if (!entry) {
    entry = {};
    kept.set(db, entry);
  }
  return entry;
}

function remembered<K extends keyof Kept>(
  db: IDBPDatabase<SameroomDb>,
  store: K,
  read: () => NonNullable<Kept[K]>,
): NonNullable<Kept[K]> {
  const entry = keptFor(db);
  const existing = entry[store];
  if (existing) return existing as NonNullable<Kept[K]>;
  return hold(entry, store, read());
}

/** Holds `value` as what memory has for `store`; a failed read is tried again next time, not remembered. */
function hold<K extends keyof Kept>(
  entry: Kept,
  store: K,
  value: NonNullable<Kept[K]>,
): NonNullable<Kept[K]> {
  entry[store] = value;
  value.catch(() => {
    if (entry[store] === value) delete entry[store];
  });
  return value;
}

/** The link to the workspace, or undefined when none. */
export function keptLink(db: IDBPDatabase<SameroomDb>): Promise<LinkRecord | undefined> {
  return remembered(db, 'link', () => db.get('link', 'current'));
}

/** The briefs' cache as last stored, of whichever workspace it was fetched from. */
export function keptCampaigns(db: IDBPDatabase<SameroomDb>): Promise<CampaignCache | undefined> {
  return remembered(db, 'campaigns', () => db.get('campaigns', 'current'));
}

/** The rep's campaign picks, by lead key. */
export function keptPicks(db: IDBPDatabase<SameroomDb>): Promise<Map<string, Pick>> {
  return remembered(db, 'picks', async () => {
    const store = db.transaction('picks').store;
    const [keys, values] = await Promise.all([store.getAllKeys(), store.getAll()]);
    return new Map(keys.map((key, index) => [key, values[index]!]));
  });
}

/** After a committed write of one record's pick (null: forgotten): memory holds what was written. */
export function keepPick(db: IDBPDatabase<SameroomDb>, leadKey: string, pick: Pick | null): void {
  const entry = keptFor(db);
  const picks = entry.picks;
  if (!picks) return;
  hold(
    entry,
    'picks',
    picks.then((all) => {
      const next = new Map(all);
      if (pick) next.set(leadKey, pick);
      else next.delete(leadKey);
      return next;
    }),
  );
}

/** After a committed write of the link: memory holds what was written. */
export function keepLink(db: IDBPDatabase<SameroomDb>, link: LinkRecord): void {
  keptFor(db).link = Promise.resolve(link);
}

/** After a committed write of the briefs' cache: memory holds what was written. */
export function keepCampaigns(db: IDBPDatabase<SameroomDb>, cache: CampaignCache): void {
  keptFor(db).campaigns = Promise.resolve(cache);
}

/** After a committed write that changed these records: the next read goes to the disk. */
export function forgetKept(db: IDBPDatabase<SameroomDb>, ...stores: Array<keyof Kept>): void {
  const entry = keptFor(db);
  for (const store of stores) delete entry[store];
}

/**
 * Reads them into memory as the worker starts: after a browser start the first lead page's view and the
 * popup then find them there, instead of waiting on a cold IndexedDB read (issue 11).
 */
export async function keepAtStart(db: IDBPDatabase<SameroomDb>): Promise<void> {
  await Promise.all([keptLink(db), keptCampaigns(db), keptPicks(db)]);
}
