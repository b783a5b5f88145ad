import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ADAPTERS } from '../../../lib/crm';
import { allowCrm, partlyAllowed, withheldCrms } from '../../../lib/platform/crm-access';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the built-in CRMs whose pages the browser does not let Sameroom read', () => {
  it('are those whose patterns are not all granted (a rep withheld them after install)', async () => {
    const lightning = ADAPTERS.find((adapter) => adapter.id === 'salesforce-lightning')!;
    const contains = vi
      .spyOn(fakeBrowser.permissions, 'contains')
      .mockImplementation(
        async ({ origins }) => !origins?.some((origin) => lightning.matches.includes(origin)),
      );
    expect([...(await withheldCrms(ADAPTERS))]).toEqual(['salesforce-lightning']);
    expect(contains).toHaveBeenCalledTimes(ADAPTERS.length);
  });

  it('are told apart where the rep allowed one org of the CRM (Chrome’s “On specific sites”): the panel shows there', async () => {
    vi.spyOn(fakeBrowser.permissions, 'getAll').mockResolvedValue({
      origins: ['https://acme.lightning.force.com/*', '*://example.org/*', 'http://app.hubspot.com/*'],
      permissions: [],
    });
    const withheld = new Set(['salesforce-lightning', 'hubspot', 'zoho']);
    // HubSpot's grant is for plain HTTP alone: no page of it.
    expect([...(await partlyAllowed(ADAPTERS, withheld))]).toEqual(['salesforce-lightning']);
    // A wider wildcard covering some of a CRM's pages.
    vi.spyOn(fakeBrowser.permissions, 'getAll').mockResolvedValue({
      origins: ['https://*.force.com/*', '*://*.zoho.com/*'],
      permissions: [],
    });
    expect([...(await partlyAllowed(ADAPTERS, withheld))].sort()).toEqual(['salesforce-lightning', 'zoho']);
    // A browser that cannot say: none partly allowed, the plain warning.
    vi.spyOn(fakeBrowser.permissions, 'getAll').mockRejectedValue(new Error('not implemented'));
    expect(await partlyAllowed(ADAPTERS, withheld)).toEqual(new Set());
  });

  it('count as granted when the browser cannot say: no warning without a cause', async () => {
    vi.spyOn(fakeBrowser.permissions, 'contains').mockRejectedValue(new Error('not implemented'));
    expect(await withheldCrms(ADAPTERS)).toEqual(new Set());
  });

  it('are asked for with all of the CRM’s patterns at once, one prompt', async () => {
    const request = vi.spyOn(fakeBrowser.permissions, 'request').mockResolvedValue(true);
    const hubspot = ADAPTERS.find((adapter) => adapter.id === 'hubspot')!;
    expect(await allowCrm(hubspot)).toBe(true);
    expect(request).toHaveBeenCalledWith({ origins: hubspot.matches });
  });
});
