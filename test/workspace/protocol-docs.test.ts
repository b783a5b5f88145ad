import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROTOCOL_DOC, protocolMarkdown } from '../../scripts/protocol-docs';
import { openApiDocument } from '../../workspace/openapi';
import { ROUTES } from '../../workspace/routes';

describe('docs/protocol.md', () => {
  it('is what npm run docs:protocol writes from the OpenAPI document (run it after changing a route)', () => {
    const expected = protocolMarkdown(openApiDocument(ROUTES) as never);
    expect(readFileSync(PROTOCOL_DOC, 'utf8')).toBe(expected);
  });

  it('names every operation with its method, path, operationId and access', () => {
    const text = readFileSync(PROTOCOL_DOC, 'utf8');
    for (const route of ROUTES) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      expect(text).toContain(`### ${route.operationId}\n\n\`${route.method.toUpperCase()} ${path}\``);
      const access = route.access === 'public' ? 'public' : route.access.join(', ');
      expect(text).toContain(`| ${route.method.toUpperCase()} | \`${path}\` | [\`${route.operationId}\`]`);
      expect(text).toContain(`| ${access} |`);
    }
  });
});
