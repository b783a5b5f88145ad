/**
 * `npm run docs:protocol`: writes docs/protocol.md from the workspace's OpenAPI document (the one
 * GET /api/v1/openapi.json serves, made from the route table). A workspace test fails when the file and
 * the document disagree.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../workspace/openapi';
import { ROUTES } from '../workspace/routes';

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  anyOf?: Schema[];
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
};
type Response = { $ref?: string; description?: string; content?: Record<string, { schema: Schema }> };
type Operation = {
  operationId: string;
  summary: string;
  'x-sameroom-access': string[];
  parameters?: Array<{ name: string; in: string; required: boolean; schema: Schema }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, Response>;
};
type Document = {
  openapi: string;
  info: { title: string; version: string; license: { name: string } };
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; responses: Record<string, Response> };
};

const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** A short type: a schema's name, a string's format, an enum's values, an array's item, an object's keys. */
function typeOf(schema: Schema, depth = 0): string {
  const nullable = schema.nullable ? ' | null' : '';
  if (schema.$ref) return `${refName(schema.$ref)}${nullable}`;
  if (schema.enum)
    return `${schema.enum
      .slice(0, 8)
      .map((value) => JSON.stringify(value))
      .join(' | ')}${schema.enum.length > 8 ? ' | …' : ''}${nullable}`;
  if (schema.anyOf) return schema.anyOf.map((option) => typeOf(option, depth)).join(' | ') + nullable;
  if (schema.type === 'array') {
    const item = schema.items ? typeOf(schema.items, depth) : 'any';
    return `${/[ |]/.test(item) && !item.startsWith('{') ? `(${item})` : item}[]${nullable}`;
  }
  if (schema.properties) return `${objectOf(schema, depth)}${nullable}`;
  if (schema.type) return `${schema.type}${schema.format ? ` (${schema.format})` : ''}${nullable}`;
  return 'any';
}

/** An object's fields, `?` marking the optional ones; below the top level, only their names. */
function objectOf(schema: Schema, depth: number): string {
  const required = new Set(schema.required ?? []);
  const entries = Object.entries(schema.properties ?? {}).map(([key, property]) => {
    const name = `${key}${required.has(key) ? '' : '?'}`;
    return depth === 0 ? `${name}: ${typeOf(property, depth + 1)}` : name;
  });
  return `{ ${entries.join(', ')} }`;
}

/** A schema's name and its fields: \`Name\` \`{ a: string, b?: { c, d } }\`. */
function fields(document: Document, schema: Schema): string {
  if (!schema.$ref) return `\`${typeOf(schema)}\``;
  const name = refName(schema.$ref);
  const resolved = document.components.schemas[name]!;
  return `\`${name}\` \`${resolved.properties ? objectOf(resolved, 0) : typeOf(resolved)}\``;
}

/** docs/protocol.md's text for an OpenAPI document as openApiDocument() makes it. */
export function protocolMarkdown(document: Document): string {
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
  const access = (operation: Operation) => operation['x-sameroom-access'].join(', ');
  const lines: string[] = [
    '# The workspace protocol (v1)',
    '',
    '<!-- Written by `npm run docs:protocol` from the OpenAPI document; edit workspace/routes.ts or',
    '     workspace/openapi.ts and run it again. A workspace test fails when this file is stale. -->',
    '',
    'Every operation of the workspace API, as `GET /api/v1/openapi.json` describes it',
    `(OpenAPI ${document.openapi}, "${document.info.title}" version ${document.info.version}). Paths are relative to the`,
    `workspace's own address (servers: ${document.servers.map((server) => `\`${server.url}\``).join(', ')}). The design behind the protocol is in`,
    '[architecture.md](architecture.md).',
    '',
    '- **Sign-in.** Every operation but the public ones takes `Authorization: Bearer <token>` (a token',
    "  from `linkBrowser`) or the dashboard's session cookie (from `signIn`). Access names the roles",
    '  allowed: `rep`, `marketer`, `admin`; `public` needs no sign-in. Signed-in answers carry',
    '  `Cache-Control: private, no-store` (`no-store` where they hold a token or a code; `private, no-cache`',
    '  with an `ETag` for the briefs), so no shared cache in front of the workspace keeps one for another caller.',
    `- **Errors.** Every error answers the error envelope, ${fields(document, { $ref: '#/components/schemas/ErrorEnvelope' })}.`,
    '  429, 503 and 507 carry `Retry-After`. The statuses:',
    '',
    '| status | response | when |',
    '| --- | --- | --- |',
    ...Object.entries(document.components.responses).map(([name, response]) => {
      const status = Object.values(document.paths)
        .flatMap((methods) => Object.values(methods))
        .flatMap((operation) => Object.entries(operation.responses))
        .find(([, r]) => r.$ref === `#/components/responses/${name}`)?.[0];
      return `| ${status} | \`${name}\` | ${cell(response.description ?? '')} |`;
    }),
    '| other | `default` | 421 (a Host this workspace does not answer to), 5xx; 503 while it starts or opens its database again, 507 while its disk is full (nothing stored). |',
    '',
    '## Operations',
    '',
    '| method | path | operationId | access |',
    '| --- | --- | --- | --- |',
    ...operations.map(
      ({ method, path, operation }) =>
        `| ${method} | \`${path}\` | [\`${operation.operationId}\`](#${operation.operationId.toLowerCase()}) | ${access(operation)} |`,
    ),
  ];
  for (const { method, path, operation } of operations) {
    lines.push('', `### ${operation.operationId}`, '', `\`${method} ${path}\` — ${operation.summary}`, '');
    lines.push(`- **Access:** ${access(operation)}`);
    for (const where of ['path', 'query']) {
      const parameters = (operation.parameters ?? []).filter((p) => p.in === where);
      if (parameters.length)
        lines.push(
          `- **${where === 'path' ? 'Path' : 'Query'}:** ${parameters
            .map((p) => `\`${p.name}${p.required ? '' : '?'}: ${typeOf(p.schema)}\``)
            .join(', ')}`,
        );
    }
    const body = operation.requestBody?.content['application/json'];
    if (body) lines.push(`- **Request:** ${fields(document, body.schema)}`);
    for (const [status, response] of Object.entries(operation.responses)) {
      if (!status.startsWith('2')) continue;
      const content = Object.entries(response.content ?? {}).map(([type, media]) =>
        type === 'application/json' ? fields(document, media.schema) : `\`${type}\``,
      );
      lines.push(`- **${status}:** ${content.length ? content.join('; or ') : 'no body'}`);
    }
    const errors = Object.entries(operation.responses)
      .filter(([status]) => status.startsWith('4'))
      .map(([status, response]) => `${status} \`${refName(response.$ref ?? '')}\``);
    lines.push(
      `- **Errors:** ${errors.length ? errors.join(', ') : 'none of its own'}; \`default\` otherwise`,
    );
  }
  const direct = new Set(
    operations.flatMap(({ operation }) =>
      [
        ...Object.values(operation.requestBody?.content ?? {}),
        ...Object.values(operation.responses).flatMap((response) => Object.values(response.content ?? {})),
      ].map((media) => media.schema.$ref),
    ),
  );
  const inner = Object.keys(document.components.schemas).filter(
    (name) => name !== 'ErrorEnvelope' && !direct.has(`#/components/schemas/${name}`),
  );
  if (inner.length) {
    lines.push('', '## Schemas used inside others', '');
    for (const name of inner) lines.push(`- ${fields(document, { $ref: `#/components/schemas/${name}` })}`);
  }
  return `${lines.join('\n')}\n`;
}

export const PROTOCOL_DOC = join(import.meta.dirname, '..', 'docs', 'protocol.md');

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(PROTOCOL_DOC, protocolMarkdown(openApiDocument(ROUTES) as unknown as Document));
  console.log('Wrote docs/protocol.md from the OpenAPI document.');
}
