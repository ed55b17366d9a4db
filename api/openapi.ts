import { z, type ZodTypeAny } from 'zod';
import { jsonSchemaOf, type JsonSchema } from './json-schema';
import type { ApiRouter, RouteSpec } from './router';
import { errorResponseSchema } from './schemas';

/** The OpenAPI 3.1 document, generated from the route declarations and their zod schemas. */

function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
}

/** Unwraps effects (refine/superRefine) to reach an object's shape. */
function objectShape(schema: ZodTypeAny): Record<string, ZodTypeAny> | undefined {
  let s: ZodTypeAny = schema;
  for (let i = 0; i < 5; i++) {
    if (s instanceof z.ZodObject) return s.shape as Record<string, ZodTypeAny>;
    if (s instanceof z.ZodEffects) s = s.innerType();
    else return undefined;
  }
  return undefined;
}

function queryParams(schema: ZodTypeAny | undefined) {
  const shape = schema ? objectShape(schema) : undefined;
  if (!shape) return [];
  return Object.entries(shape).map(([name, field]) => {
    const json = jsonSchemaOf(field);
    const description = typeof json.description === 'string' ? json.description : undefined;
    return { name, in: 'query', required: !field.isOptional(), schema: json, ...(description ? { description } : {}) };
  });
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request (malformed JSON, validation failed: details per field, or a decision the workflow refused)',
  401: 'Missing, invalid or expired bearer token, or unknown user',
  403: 'Your role may not do this, or the task is assigned to someone else',
  404: 'Not found, or outside your scope',
  409: 'Conflict with the current state (task no longer open, Idempotency-Key reused with another body...)',
  413: 'Body larger than 1 MB',
  415: 'Body is not application/json',
  429: 'Too many requests; see Retry-After',
  503: 'Temporal or the database is unavailable; see Retry-After',
};

function operation(spec: RouteSpec) {
  const auth = spec.auth !== false;
  const parameters: unknown[] = pathParams(spec.path).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  parameters.push(...queryParams(spec.query));
  if (spec.idempotent) {
    parameters.push({
      name: 'Idempotency-Key', in: 'header', required: false,
      description: 'Repeat a create safely: the same key and body return the first response; the same key with another body is 409.',
      schema: { type: 'string', pattern: '^[A-Za-z0-9._:\\-]{1,200}$' },
    });
  }
  const statuses = new Set<number>(spec.errors ?? []);
  if (spec.body || spec.query) statuses.add(400);
  if (auth) statuses.add(401);
  if (spec.roles) statuses.add(403);
  if (spec.path.includes(':')) statuses.add(404);
  if (spec.body) {
    statuses.add(413);
    statuses.add(415);
  }
  if (spec.method !== 'get') statuses.add(429);
  statuses.add(503);
  const contentType = spec.success.contentType ?? 'application/json';
  const successContent = spec.success.schema
    ? { [contentType]: { schema: jsonSchemaOf(spec.success.schema, 'output') } }
    : { [contentType]: { schema: { type: 'string' } } };
  const responses: Record<string, unknown> = {
    [String(spec.success.status)]: {
      description: spec.success.description,
      headers: { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } },
      content: successContent,
    },
  };
  for (const status of [...statuses].sort()) {
    responses[String(status)] = {
      description: ERROR_TEXT[status] ?? 'Error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  const roles = spec.roles ? `\n\nRoles: ${spec.roles.join(', ')}.` : auth ? '\n\nRoles: any signed-in user.' : '\n\nNo authentication.';
  return {
    operationId: `${spec.method}${spec.path.replace(/[/:.\-]+([a-z])?/g, (_m, c?: string) => (c ? c.toUpperCase() : ''))}`,
    summary: spec.summary,
    description: `${spec.description ?? ''}${roles}`.trim(),
    tags: [spec.tag],
    ...(auth ? { security: [{ bearerAuth: [] }] } : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(spec.body) } } } } : {}),
    responses,
  };
}

export function buildOpenApi(router: ApiRouter, info: { version: string; serverUrl?: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { spec } of router.routes) {
    const p = openApiPath(spec.path);
    paths[p] ??= {};
    paths[p][spec.method] = operation(spec);
  }
  const tags = [...new Set(router.routes.map((r) => r.spec.tag))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Russia-UNDP Partnership workflow API',
      version: info.version,
      description:
        'Russian Challenge Fund proposals and Experts-on-Demand requests, driven by Temporal workflows. ' +
        'Every response carries X-Request-Id; every error has the shape {"error":{"code","message","details"?}}.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    tags,
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: jsonSchemaOf(errorResponseSchema, 'output') },
      headers: { 'X-Request-Id': { description: 'The request id (echoed when the client sent a sane one)', schema: { type: 'string' } } },
    },
  };
}
