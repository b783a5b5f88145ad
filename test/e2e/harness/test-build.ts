import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Manifest {
  host_permissions?: string[];
  web_accessible_resources?: Array<{ matches?: string[] }>;
  [key: string]: unknown;
}

/**
 * The manifest `wxt build` writes with SAMEROOM_TEST_HOSTS set (wxt.config.ts), from the release one:
 * the hosts added to `host_permissions`, and to each web-accessible resource's `matches` ahead of
 * the catch-all `https://*\/*`. Nothing else in a build depends on SAMEROOM_TEST_HOSTS.
 */
export function testManifest(release: Manifest, hosts: string[]): Manifest {
  const withHosts = (list: string[]) => [...new Set([...list, ...hosts])];
  return {
    ...release,
    host_permissions: withHosts(release.host_permissions ?? []),
    web_accessible_resources: release.web_accessible_resources?.map((resource) => {
      if (!resource.matches) return resource;
      const rest = resource.matches.filter((match) => match !== 'https://*/*');
      const catchAll = rest.length < resource.matches.length ? ['https://*/*'] : [];
      return { ...resource, matches: [...new Set([...withHosts(rest), ...catchAll])] };
    }),
  };
}

/**
 * The Chrome test build (the e2e setup makes it): the release build's files, its manifest granting
 * `hosts` at install as a `wxt build` with SAMEROOM_TEST_HOSTS would. A copy instead of a third WXT
 * build: the two builds differ in manifest.json alone (test/e2e/manifest.test.ts checks it).
 */
export function makeTestBuild(releaseDir: string, testDir: string, hosts: string[]): void {
  rmSync(testDir, { recursive: true, force: true });
  cpSync(releaseDir, testDir, { recursive: true });
  const release = JSON.parse(readFileSync(join(releaseDir, 'manifest.json'), 'utf8')) as Manifest;
  writeFileSync(join(testDir, 'manifest.json'), JSON.stringify(testManifest(release, hosts)));
}
