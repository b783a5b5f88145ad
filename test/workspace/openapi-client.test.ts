import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../workspace/openapi';
import { ROUTES } from '../../workspace/routes';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * A client a team would write against the generated types: link with a join code, send a verdict, list
 * the campaigns. The @ts-expect-error lines prove the types bite: each must be an error for tsc to pass.
 */
const CLIENT = `import createClient from 'openapi-fetch';
import type { components, paths } from './api';

type Brief = components['schemas']['Brief'];
type FeedbackItem = components['schemas']['FeedbackItem'];

function item(region: string): FeedbackItem {
  return {
    id: '7d8e2f4a-1b3c-4d5e-8f90-a1b2c3d4e5f6',
    campaignId: null,
    lead: { crm: 'salesforce', objectType: 'lead', recordId: '00Q5g00000A1b2cEAB' },
    signals: { utmCampaign: 'hm26' },
    verdict: 'good_fit',
    region,
    createdAt: new Date().toISOString(),
  };
}

export async function run(baseUrl: string, code: string): Promise<Brief[]> {
  const open = createClient<paths>({ baseUrl });
  const linked = await open.POST('/api/v1/link', { body: { code } });
  if (linked.error) throw new Error(linked.error.error.code);
  const token: string = linked.data.token;
  const region: string = linked.data.member.region ?? 'DACH';
  const api = createClient<paths>({ baseUrl, headers: { Authorization: \`Bearer \${token}\` } });

  const sent = await api.POST('/api/v1/feedback', { body: { items: [item(region)] } });
  if (sent.data) for (const result of sent.data.results) console.log(result.id, result.status);
  if (sent.response.status === 422 && sent.error) console.log(sent.error.error.issues?.length);

  const listed = await api.GET('/api/v1/campaigns', { params: { query: { include: 'drafts' } } });
  if (listed.error) throw new Error(listed.error.error.message);
  const replied = await api.POST('/api/v1/feedback/{id}/replies', {
    params: { path: { id: '7d8e2f4a-1b3c-4d5e-8f90-a1b2c3d4e5f6' } },
    body: { text: 'Thanks' },
  });
  const replyId: string | undefined = replied.data?.id;
  console.log(replyId);

  // @ts-expect-error: a join code is required
  await open.POST('/api/v1/link', { body: {} });
  await api.POST('/api/v1/feedback', {
    // @ts-expect-error: not a verdict
    body: { items: [{ ...item(region), verdict: 'maybe' }] },
  });
  // @ts-expect-error: no such campaign filter
  await api.GET('/api/v1/campaigns', { params: { query: { include: 'everything' } } });
  // @ts-expect-error: no such operation
  await api.GET('/api/v1/nothing');
  return listed.data.campaigns;
}
`;

describe('a client generated from the OpenAPI document', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('type-checks (openapi-typescript types, openapi-fetch calls, tsc --noEmit)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sameroom-openapi-client-'));
    const types = astToString(await openapiTS(openApiDocument(ROUTES) as never));
    await writeFile(join(dir, 'api.ts'), types);
    await writeFile(join(dir, 'client.ts'), CLIENT);
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noUncheckedIndexedAccess: true,
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          lib: ['ES2022', 'DOM'],
          types: [],
          noEmit: true,
          // The generated api.ts and client.ts are checked in full; only the libraries' .d.ts are not.
          skipLibCheck: true,
        },
        files: ['api.ts', 'client.ts'],
      }),
    );
    await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    expect(types).toContain('"/api/v1/link"');
    expect(types).toContain('linkBrowser');

    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', dir]).then(
      () => ({ code: 0, output: '' }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code ?? 1,
        output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
      }),
    );
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);
});
