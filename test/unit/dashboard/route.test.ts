import { describe, expect, it } from 'vitest';
import { routeOf } from '../../../workspace/dashboard/route';

describe("the dashboard's addresses", () => {
  it('opens the page each address names', () => {
    expect(routeOf('/')).toEqual({ page: 'campaigns' });
    expect(routeOf('/campaigns/new')).toEqual({ page: 'brief', id: null });
    expect(routeOf('/campaigns/3f0e2a4c-5b7d-4e8f-9a1b-2c3d4e5f6a7b')).toEqual({
      page: 'brief',
      id: '3f0e2a4c-5b7d-4e8f-9a1b-2c3d4e5f6a7b',
    });
    expect(routeOf('/feedback')).toEqual({ page: 'feedback' });
    expect(routeOf('/insights')).toEqual({ page: 'insights' });
    expect(routeOf('/team')).toEqual({ page: 'team' });
  });

  it('says a campaign address that names no campaign id was not found, not the list', () => {
    for (const path of [
      '/campaigns/abc',
      '/campaigns/3f0e2a4c-5b7d-4e8f-9a1b-2c3d4e5f6a7', // cut off
      '/campaigns/3f0e2a4c-5b7d-4e8f-9a1b-2c3d4e5f6a7b/edit',
      '/campaigns/------------------------------------',
      '/campaigns/',
    ]) {
      expect(routeOf(path), path).toEqual({ page: 'campaignMissing' });
    }
  });
});
