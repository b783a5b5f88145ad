import { z } from 'zod';
import { responses } from '../lib/protocol';
import type { Route } from './routes';

function schema(type: z.ZodType, io: 'input' | 'output') {
  return z.toJSONSchema(type, { io, unrepresentable: 'any', target: 'openapi-3.0' });
}

/** The OpenAPI 3 description of the workspace API, made from the route table and the protocol schemas. */
export function openApiDocument(routes: Route[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const parameters = [...route.path.matchAll(/:(\w+)/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string', format: 'uuid' },
    }));
    if (route.query) {
      const query = schema(route.query, 'input') as { properties?: Record<string, unknown> };
      for (const [name, property] of Object.entries(query.properties ?? {})) {
        parameters.push({ name, in: 'query', required: false, schema: property as never });
      }
    }
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      'x-sameroom-access': route.access === 'public' ? ['public'] : [...route.access],
      ...(route.access === 'public' ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(route.request
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schema(route.request, 'input') } },
            },
          }
        : {}),
      responses: {
        [String(route.status ?? 200)]: {
          description: 'OK',
          ...(route.response
            ? { content: { 'application/json': { schema: schema(route.response, 'output') } } }
            : {}),
        },
        default: {
          description:
            'An error: 400/422 bad input, 401/403, 404, 409, 413, 429 and 503 with Retry-After, 5xx.',
          content: { 'application/json': { schema: schema(responses.ErrorEnvelope, 'output') } },
        },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Sameroom workspace API', version: '1' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
