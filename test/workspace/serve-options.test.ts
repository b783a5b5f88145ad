import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSelfSignedCertificate } from '../support/certificate';
import { startTestWorkspace, type TestWorkspace } from './harness';

const scratch = mkdtempSync(join(tmpdir(), 'sameroom-tls-'));
const cert = join(scratch, 'cert.pem');
const key = join(scratch, 'key.pem');
makeSelfSignedCertificate(cert, key);

const running: TestWorkspace[] = [];
afterAll(async () => {
  for (const ws of running) await ws.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('serving', () => {
  it('speaks HTTPS with --tls-cert and --tls-key, and its join links say https', async () => {
    const ws = await startTestWorkspace('pglite', { tlsCert: cert, tlsKey: key, adminToken: 'unused' });
    running.push(ws);
    expect(ws.url).toMatch(/^https:\/\/localhost:\d+$/);
    expect(ws.adminJoinUrl).toMatch(/^https:\/\/localhost:\d+\/join#/);
    const body = await new Promise<string>((resolve, reject) => {
      get(`${ws.url}/healthz`, { ca: readFileSync(cert) }, (response) => {
        let text = '';
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(JSON.parse(body)).toEqual({ ok: true });
  });

  it('behind a proxy (--trust-proxy): join links from X-Forwarded-Host/Proto, rate limits by X-Forwarded-For', async () => {
    const ws = await startTestWorkspace('pglite', {
      trustProxy: true,
      linkAttempts: { limit: 3, windowSeconds: 600 },
    });
    running.push(ws);
    const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'sameroom.acme.example' };
    const invite = await ws.call('POST', '/api/v1/invites', {
      token: ws.adminToken,
      body: { name: 'Ana', role: 'rep' },
      headers: forwarded,
    });
    expect(((await invite.json()) as { joinUrl: string }).joinUrl).toMatch(
      /^https:\/\/sameroom\.acme\.example\/join#/,
    );

    const from = (ip: string) => ({ 'X-Forwarded-For': `${ip}, 10.0.0.1` });
    for (let i = 0; i < 3; i++) {
      expect(
        (
          await ws.call('POST', '/api/v1/link', {
            body: { code: `guess-${i}` },
            headers: from('203.0.113.7'),
          })
        ).status,
      ).toBe(401);
    }
    expect(
      (await ws.call('POST', '/api/v1/link', { body: { code: 'guess' }, headers: from('203.0.113.7') }))
        .status,
    ).toBe(429);
    expect(
      (await ws.call('POST', '/api/v1/link', { body: { code: 'guess' }, headers: from('198.51.100.2') }))
        .status,
    ).toBe(401);
  });
});
