import { z } from 'zod';
import { requests, responses } from '../lib/protocol';
import type { Route } from './routes';

type JsonSchema = Record<string, unknown>;

/**
 * A protocol schema in OpenAPI 3.0's dialect. A transform's output cannot be described in JSON Schema
 * (zod gives `{}`), and the protocol's only transform is text's trim: it is described by its input.
 */
function schema(type: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return z.toJSONSchema(type, {
    io,
    unrepresentable: 'any',
    target: 'openapi-3.0',
    override(ctx) {
      const def = ctx.zodSchema._zod.def as { type: string; in?: z.ZodType; out?: z.ZodType };
      if (io === 'output' && def.type === 'pipe' && def.out?._zod.def.type === 'transform')
        Object.assign(ctx.jsonSchema, schema(def.in!, 'input'));
    },
  }) as JsonSchema;
}

/** The protocol's own names for its schemas (lib/protocol's `requests` and `responses`). */
const PROTOCOL_NAMES = new Map<z.ZodType, string>([
  ...Object.entries(requests).map(([name, type]) => [type as z.ZodType, name] as const),
  ...Object.entries(responses).map(([name, type]) => [type as z.ZodType, name] as const),
]);

const pascal = (name: string) => name[0]!.toUpperCase() + name.slice(1);

/** The error responses, by status; each answers the error envelope. */
const ERRORS = {
  400: [
    'BadRequest',
    'The body is not JSON, or the request cannot be served as asked (e.g. a cursor this workspace did not give out).',
  ],
  401: [
    'Unauthorized',
    'No valid bearer token or dashboard session (or a join code that is not valid, used, replaced or expired).',
  ],
  403: [
    'Forbidden',
    "The caller's role does not allow this (or the request did not come from the dashboard's own origin).",
  ],
  404: ['NotFound', 'Nothing with that id in this workspace.'],
  409: ['Conflict', 'The request conflicts with the workspace as it is.'],
  412: [
    'PreconditionFailed',
    'If-Match named a version that is no longer the current one: someone changed it since it was read.',
  ],
  413: ['TooLarge', 'The request body is larger than the workspace takes.'],
  415: ['UnsupportedMediaType', 'Only application/json is taken here.'],
  422: ['BadInput', 'The body or query string does not match the schema: `error.issues` lists where.'],
  429: [
    'TooManyRequests',
    'Too many requests (or refused join codes from this address): wait for Retry-After seconds.',
  ],
} as const satisfies Record<number, readonly [string, string]>;

type ErrorStatus = keyof typeof ERRORS;

/** The 4xx statuses a route can answer: its own, and those its access, body, query and path bring. */
export function errorStatuses(route: Route): ErrorStatus[] {
  const statuses = new Set<ErrorStatus>(route.errors ?? []);
  if (route.access !== 'public') {
    statuses.add(401);
    statuses.add(429);
    if (route.access.length < 3) statuses.add(403);
  }
  if (route.request) {
    statuses.add(400);
    statuses.add(413);
    statuses.add(422);
  }
  if (route.query) statuses.add(422);
  if (route.path.includes('/:')) statuses.add(404);
  if (route.sameOriginJson) {
    statuses.add(403);
    statuses.add(415);
  }
  return [...statuses].sort((a, b) => a - b);
}

/** The OpenAPI 3 description of the workspace API, made from the route table and the protocol schemas. */
export function openApiDocument(routes: Route[]) {
  const schemas: Record<string, JsonSchema> = {
    ErrorEnvelope: schema(responses.ErrorEnvelope, 'output'),
  };
  const namedAs = new Map<string, { type: z.ZodType; io: 'input' | 'output' }>();
  /** A $ref to the schema under its protocol name, or under the operation's name when it has none. */
  const named = (type: z.ZodType, io: 'input' | 'output', fallback: string): { $ref: string } => {
    const name = PROTOCOL_NAMES.get(type) ?? fallback;
    const earlier = namedAs.get(name);
    if (earlier && (earlier.type !== type || earlier.io !== io)) throw new Error(`Two schemas named ${name}`);
    namedAs.set(name, { type, io });
    if (!schemas[name]) {
      schemas[name] = schema(type, io);
      // A batch's items are checked one by one (a bad one is answered `invalid`, the rest are stored),
      // so its schema takes anything; what a client sends is a FeedbackItem.
      if (type === requests.FeedbackBatchRequest)
        (schemas[name].properties as { items: { items: unknown } }).items.items = named(
          requests.FeedbackItem,
          'input',
          'FeedbackItem',
        );
    }
    return { $ref: `#/components/schemas/${name}` };
  };
  const used = new Set<ErrorStatus>();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const parameters = [...route.path.matchAll(/:(\w+)/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      // Ids are uuids; an `index` is a place in a list (an answer's, in its feedback item).
      schema: match[1] === 'index' ? { type: 'integer', minimum: 0 } : { type: 'string', format: 'uuid' },
    }));
    if (route.query) {
      const query = schema(route.query, 'input') as { properties?: Record<string, unknown> };
      for (const [name, property] of Object.entries(query.properties ?? {})) {
        parameters.push({ name, in: 'query', required: false, schema: property as never });
      }
    }
    const errors = errorStatuses(route);
    for (const status of errors) used.add(status);
    const shape = (route.query as unknown as { shape?: Record<string, z.ZodType> } | undefined)?.shape;
    const csv = route.path.endsWith('.csv') || shape?.format?.safeParse('csv').success === true;
    paths[path] ??= {};
    paths[path][route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      'x-sameroom-access': route.access === 'public' ? ['public'] : [...route.access],
      ...(route.access === 'public' ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(route.request
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: named(route.request, 'input', `${pascal(route.operationId)}Request`),
                },
              },
            },
          }
        : {}),
      responses: {
        [String(route.status ?? 200)]: {
          description: route.status === 204 ? 'Done; no body.' : 'OK',
          ...(route.response || csv
            ? {
                content: {
                  ...(route.response
                    ? {
                        'application/json': {
                          schema: named(route.response, 'output', `${pascal(route.operationId)}Response`),
                        },
                      }
                    : {}),
                  ...(csv ? { 'text/csv': { schema: { type: 'string' } } } : {}),
                },
              }
            : {}),
        },
        ...Object.fromEntries(
          errors.map((status) => [String(status), { $ref: `#/components/responses/${ERRORS[status][0]}` }]),
        ),
        default: {
          description:
            'Any other error, in the same envelope: 421 (a Host this workspace does not answer to), 5xx, 503 (starting, or the database opening again) and 507 (its disk is full: nothing stored) with Retry-After.',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
        },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Sameroom workspace API',
      version: '1',
      description:
        "The team's workspace: reps' extensions link with a join code, read briefs and send verdicts; marketers read and reply to them.",
      license: { name: 'UNLICENSED: proprietary, all rights reserved' },
    },
    servers: [{ url: '/', description: 'The workspace that served this document.' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas,
      responses: Object.fromEntries(
        [...used]
          .sort((a, b) => a - b)
          .map((status) => [
            ERRORS[status][0],
            {
              description: ERRORS[status][1],
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
            },
          ]),
      ),
    },
    security: [{ bearer: [] }],
    paths,
  };
}
