import { describe, expect, it } from 'vitest';
import { keptDb, openSameroomDb } from '../../../lib/store/db';

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
