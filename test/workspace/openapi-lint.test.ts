import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { errorStatuses, openApiDocument } from '../../workspace/openapi';
import { ROUTES } from '../../workspace/routes';

/** Warnings Redocly's `recommended` rules still give, each with why it stays. */
const ALLOWED_WARNINGS: Record<string, string> = {
  'info-license-strict #/info/license/url':
    'The project is unlicensed (package.json "private": true, no LICENSE file): there is no license text to link to.',
  'operation-4xx-response #/paths/~1api~1v1~1session/delete/responses':
    'Signing out answers 204 to anyone, signed in or not: it has no 4xx to describe.',
};

describe('the OpenAPI document, linted by Redocly (recommended rules)', () => {
  it('has no errors, and only the warnings named above', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: JSON.stringify(openApiDocument(ROUTES)),
      absoluteRef: 'openapi.json',
      config,
    });
    const line = (p: (typeof problems)[number]) =>
      `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`;
    const warnings = problems.filter((p) => p.severity === 'warn');
    if (warnings.length) console.info(`Redocly warnings that remain:\n${warnings.map(line).join('\n')}`);
    expect(problems.filter((p) => p.severity === 'error').map(line)).toEqual([]);
    expect(
      warnings
        .map((p) => `${p.ruleId} ${p.location[0]?.pointer ?? ''}`)
        .filter((key) => !ALLOWED_WARNINGS[key]),
    ).toEqual([]);
  });
});

describe('the route table in the OpenAPI document', () => {
  it('names every operation with a unique camelCase operationId', () => {
    const ids = ROUTES.map((route) => route.operationId);
    expect(ids.filter((id) => !/^[a-z][a-zA-Z0-9]*$/.test(id ?? ''))).toEqual([]);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
  });

  it('describes every 4xx a route can answer with the error envelope', () => {
    const document = openApiDocument(ROUTES) as unknown as {
      paths: Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>>;
      components: { responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }> };
    };
    for (const route of ROUTES) {
      const operation = document.paths[route.path.replace(/:(\w+)/g, '{$1}')]![route.method]!;
      const described = Object.keys(operation.responses).filter((status) => status.startsWith('4'));
      expect(described, route.operationId).toEqual(errorStatuses(route).map(String));
      for (const status of described) {
        const name = operation.responses[status]!.$ref!.replace('#/components/responses/', '');
        expect(document.components.responses[name]!.content['application/json']!.schema.$ref).toBe(
          '#/components/schemas/ErrorEnvelope',
        );
      }
      if (route.access !== 'public') expect(described, route.operationId).toContain('401');
      if (route.request) expect(described, route.operationId).toContain('422');
    }
  });
});
