import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  addSiteInTurn,
  dropSiteInTurn,
  syncSitesInTurn,
  withheldSites,
} from '../../../lib/platform/custom-sites';
import type { CustomSite } from '../../../lib/settings';

const twenty = {
  id: 'twenty',
  label: 'Twenty',
  match: 'https://twenty.acme-internal.test/*',
} as unknown as CustomSite;

/** A Web Lock manager as browsers share it between an extension's pages and its worker: one holder at a time. */
function fakeLocks() {
  const tails = new Map<string, Promise<unknown>>();
  return {
    request(name: string, work: () => Promise<unknown>) {
      const turn = (tails.get(name) ?? Promise.resolve()).then(work);
      tails.set(
        name,
        turn.catch(() => undefined),
      );
      return turn;
    },
  };
}

/** The browser's registered content scripts, kept in memory. */
function fakeScripting() {
  const registered: Array<{ id: string; matches: string[]; js: string[]; css?: string[] }> = [];
  const fake = fakeBrowser as unknown as {
    scripting: Record<string, unknown>;
    permissions: Record<string, unknown>;
  };
  fake.scripting.getRegisteredContentScripts = async (filter?: { ids?: string[] }) =>
    registered.filter((script) => !filter?.ids || filter.ids.includes(script.id));
  fake.scripting.registerContentScripts = async (
    scripts: Array<{ id: string; matches: string[]; js: string[]; css?: string[] }>,
  ) => {
    for (const script of scripts) {
      if (registered.some((other) => other.id === script.id))
        throw new Error(`Duplicate script ID '${script.id}'`);
      registered.push({ id: script.id, matches: script.matches, js: script.js, css: script.css });
    }
  };
  fake.scripting.unregisterContentScripts = async ({ ids }: { ids: string[] }) => {
    for (const id of ids)
      registered.splice(
        registered.findIndex((script) => script.id === id),
        1,
      );
  };
  vi.spyOn(fakeBrowser.permissions, 'contains').mockResolvedValue(true);
  vi.spyOn(fakeBrowser.permissions, 'remove').mockResolvedValue(true);
  return registered;
}

/**
 * The background's start (syncSitesInTurn), whose read of the stored sites takes what is stored at once
 * and lands only when `landRead` is called.
 */
function startReadingLate(stored: () => CustomSite[]) {
  let landRead!: () => void;
  const readLands = new Promise<void>((resolve) => {
    landRead = resolve;
  });
  const starting = syncSitesInTurn(async () => {
    const read = [...stored()];
    await readLands;
    return read;
  });
  return { starting, landRead };
}

beforeEach(() => {
  vi.stubGlobal('navigator', { ...globalThis.navigator, locks: fakeLocks() });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('custom sites: Options and the background take turns on the sites’ scripts', () => {
  it('keeps the script of a site added while the background starts (its start read the sites before the add)', async () => {
    const registered = fakeScripting();
    let stored: CustomSite[] = [];
    // The background's start reads the stored sites; the read lands after Options has begun adding.
    const { starting, landRead } = startReadingLate(() => stored);
    const adding = addSiteInTurn(twenty, async () => {
      stored = [...stored, twenty];
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    landRead();
    await Promise.all([starting, adding]);
    expect(stored).toEqual([twenty]);
    expect(registered.map((script) => script.id)).toEqual(['sameroom-custom-twenty']);
    // And the next start keeps it.
    await syncSitesInTurn(async () => stored);
    expect(registered.map((script) => script.id)).toEqual(['sameroom-custom-twenty']);
  });

  it('leaves a removed site’s script unregistered when the background starts meanwhile', async () => {
    const registered = fakeScripting();
    let stored: CustomSite[] = [];
    await addSiteInTurn(twenty, async () => {
      stored = [twenty];
    });
    // The background's start reads the sites while the removal is under way (the site still there),
    // and lists the scripts after the removal unregistered it: it would register it again.
    const { starting, landRead } = startReadingLate(() => stored);
    const dropping = dropSiteInTurn(
      twenty,
      async () => stored,
      async () => {
        stored = [];
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    landRead();
    await Promise.all([dropping, starting]);
    expect(stored).toEqual([]);
    expect(registered).toEqual([]);
  });
});

describe('custom sites: the panel host’s sheet goes with their script', () => {
  it('registers it beside the script, and registers again a site an earlier version registered without it', async () => {
    const registered = fakeScripting();
    await syncSitesInTurn(async () => [twenty]);
    expect(registered).toEqual([
      {
        id: 'sameroom-custom-twenty',
        matches: [twenty.match],
        js: ['content-scripts/custom-site.js'],
        css: ['content-scripts/crm.css'],
      },
    ]);
    // As Chromium keeps an earlier version's registration across an update: no sheet, so no panel.
    delete registered[0]!.css;
    await syncSitesInTurn(async () => [twenty]);
    expect(registered[0]!.css).toEqual(['content-scripts/crm.css']);
  });
});

describe('withheldSites: custom sites whose access the browser withdrew', () => {
  it('names the running sites the browser does not let Sameroom read (a failed question counts as allowed)', async () => {
    const other = { ...twenty, id: 'other', match: 'https://crm.other.test/*' } as CustomSite;
    const old = { ...twenty, id: 'old', match: 'https://old.test/*', attention: 'http' } as CustomSite;
    vi.spyOn(fakeBrowser.permissions, 'contains').mockImplementation(async (asked) => {
      if (asked.origins?.[0] === other.match) throw new Error('not implemented');
      return false;
    });
    expect(await withheldSites([twenty, other, old])).toEqual(new Set(['twenty']));
  });
});
