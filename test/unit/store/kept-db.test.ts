import { describe, expect, it } from 'vitest';
import { connectionBroken, keptDb, openSameroomDb } from '../../../lib/store/db';

describe('the background’s database', () => {
  it('is opened once and kept', async () => {
    let opens = 0;
    const db = keptDb((name, events) => {
      opens++;
      return openSameroomDb(name, events);
    });
    const first = await db();
    expect(await db()).toBe(first);
    expect(opens).toBe(1);
  });

  it('is opened again on the next use after an open that failed, not failed for the worker’s life', async () => {
    let opens = 0;
    const db = keptDb((name, events) => {
      opens++;
      return opens === 1
        ? Promise.reject(new DOMException('The disk was busy', 'UnknownError'))
        : openSameroomDb(name, events);
    });
    await expect(db()).rejects.toThrow('The disk was busy');
    const opened = await db();
    await opened.put('link', { workspaceUrl: 'https://example.test' } as never, 'current');
    expect(opens).toBe(2);
  });

  it('is opened again after the browser closed the connection itself', async () => {
    let terminated: (() => void) | undefined;
    const db = keptDb((name, events) => {
      terminated = events?.terminated;
      return openSameroomDb(name, events);
    });
    const first = await db();
    first.close();
    terminated!();
    const second = await db();
    expect(second).not.toBe(first);
    expect(await second.count('outbox')).toBe(0);
  });
});

describe('the background’s database after an error of its connection', () => {
  it('is opened again on the next use (Firefox, after a write failed on a full disk)', async () => {
    let opens = 0;
    const db = keptDb((name, events) => {
      opens++;
      return openSameroomDb(name, events);
    });
    const first = await db();
    // An error of one operation keeps the connection.
    db.failed(new DOMException('Key already exists in the object store.', 'ConstraintError'));
    expect(await db()).toBe(first);
    db.failed(
      new DOMException(
        'A mutation operation was attempted on a database that did not allow mutations.',
        'InvalidStateError',
      ),
    );
    const second = await db();
    expect(second).not.toBe(first);
    expect(opens).toBe(2);
    await second.put('link', { workspaceUrl: 'https://example.test' } as never, 'current');
  });

  it('knows the errors of a connection from those of an operation', () => {
    for (const message of [
      'A mutation operation was attempted on a database that did not allow mutations.',
      'The database connection is closing.',
      "Failed to execute 'transaction' on 'IDBDatabase': The database connection is closing.",
      'Connection is closing because of: IO error: .../000003.log: FILE_ERROR_NO_SPACE',
      "Can't start a transaction on a closed database",
    ])
      expect(connectionBroken(new Error(message))).toBe(true);
    // A request aborted with its transaction, which says no other why: the browser closing the connection.
    expect(
      connectionBroken(
        new DOMException('The transaction was aborted, so the request cannot be fulfilled.', 'AbortError'),
      ),
    ).toBe(true);
    expect(connectionBroken(new Error('Key already exists in the object store.'))).toBe(false);
    expect(connectionBroken(null)).toBe(false);
  });
});
