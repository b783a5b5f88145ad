import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { LinkResponse } from '../protocol';

/** The background's own database: the only place the token lives. */
export interface SameroomDb extends DBSchema {
  link: { key: 'current'; value: LinkResponse & { workspaceUrl: string; linkedAt: string } };
}

export const DB_NAME = 'sameroom';
export const DB_VERSION = 1;

export function openSameroomDb(): Promise<IDBPDatabase<SameroomDb>> {
  return openDB<SameroomDb>(DB_NAME, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) db.createObjectStore('link');
    },
  });
}
