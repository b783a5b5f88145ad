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

  it('behind a proxy (trustProxy: 1): join links from X-Forwarded-Host/Proto; a rotating forged leftmost X-Forwarded-For still gets 429', async () => {
    const ws = await startTestWorkspace('pglite', {
      trustProxy: 1,
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

    // The client writes the left end; the proxy appends the address it was reached from.
    const guess = (forged: string, client: string) =>
      ws.call('POST', '/api/v1/link', {
        body: { code: `guess-${forged}` },
        headers: { 'X-Forwarded-For': `${forged}, ${client}` },
      });
    for (let i = 0; i < 3; i++) expect((await guess(`192.0.2.${i}`, '203.0.113.7')).status).toBe(401);
    expect((await guess('192.0.2.99', '203.0.113.7')).status).toBe(429);
    expect((await guess('192.0.2.100', '203.0.113.7')).status).toBe(429);
    expect((await guess('203.0.113.7', '198.51.100.2')).status).toBe(401);
  });

  it('behind listed proxies: the client is the entry left of the last listed proxy; IPv6 clients are counted per /64', async () => {
    const ws = await startTestWorkspace('pglite', {
      trustProxy: ['127.0.0.1', '::1', '10.0.0.0/8'],
      linkAttempts: { limit: 2, windowSeconds: 600 },
      adminToken: 'unused',
    });
    running.push(ws);
    const guess = (forwardedFor: string) =>
      ws.call('POST', '/api/v1/link', {
        body: { code: 'guess' },
        headers: { 'X-Forwarded-For': forwardedFor },
      });
    expect((await guess('192.0.2.1, 203.0.113.9, 10.1.2.3')).status).toBe(401);
    expect((await guess('192.0.2.2, 203.0.113.9, 10.9.9.9')).status).toBe(401);
    expect((await guess('192.0.2.3, 203.0.113.9')).status).toBe(429);

    expect((await guess('2001:db8:1:2::a')).status).toBe(401);
    expect((await guess('2001:db8:1:2:ffff:ffff:ffff:b')).status).toBe(401);
    expect((await guess('2001:0db8:0001:0002::c')).status).toBe(429); // same /64, another spelling
    expect((await guess('2001:db8:1:3::1')).status).toBe(401);
  });
});
