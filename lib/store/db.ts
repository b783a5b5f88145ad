import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { Brief, LinkResponse, Rejected } from '../protocol';

export type LinkRecord = LinkResponse & { workspaceUrl: string; linkedAt: string };

/** The briefs as last fetched, with the ETag to revalidate them by. */
export interface CampaignCache {
  workspaceUrl: string;
  etag: string | null;
  fetchedAt: string;
  briefs: Brief[];
  /** Briefs the workspace sent that could not be read: skipped, and said so. */
  rejected: Rejected[];
}

/** The background's own database: the only place the token lives. */
export interface SameroomDb extends DBSchema {
  link: { key: 'current'; value: LinkRecord };
  campaigns: { key: 'current'; value: CampaignCache };
  /** The rep's campaign pick for a record no rule matched, by lead key. */
  picks: { key: string; value: { campaignId: string; pickedAt: string } };
}

export const DB_NAME = 'sameroom';
export const DB_VERSION = 1;

export function openSameroomDb(): Promise<IDBPDatabase<SameroomDb>> {
  return openDB<SameroomDb>(DB_NAME, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('link');
        db.createObjectStore('campaigns');
        db.createObjectStore('picks');
      }
    },
  });
}
