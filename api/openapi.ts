import { z } from 'zod';
import { jsonSchemaOf, queryExampleOf, requestSchemas, responseSchemas, type JsonSchema } from './contract';
import type { ApiRouter, ExtraHeader, RouteSpec } from './router';
import { errorResponseSchema } from './schemas';

/**
 * The OpenAPI 3.1 document, generated from the route declarations and their zod schemas with
 * zod's own JSON Schema conversion: request bodies and parameters as zod's input types, answers
 * as its output types. Named schemas (api/contract.ts) are listed once under components.
 */

function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * No string a client sends may hold a NUL character: PostgreSQL's text and jsonb cannot store one,
 * and the router refuses it anywhere in a request (api/router.ts). The document says so on every
 * string of a request (bodies, their keys, parameters); free JSON (a decision's `data`) is a
 * JsonValue whose strings say it too.
 */
const NO_NUL = '^[^\\u0000]*$';
const JSON_VALUE: JsonSchema = {
  description: 'Any JSON value whose strings (keys included) hold no NUL character',
  anyOf: [
    { type: 'string', pattern: NO_NUL },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'null' },
    { type: 'array', items: ref('JsonValue') },
    { type: 'object', propertyNames: { pattern: NO_NUL }, additionalProperties: ref('JsonValue') },
  ],
};

/** Whether a pattern refuses text holding a NUL character (probed: it is an ECMAScript regex). */
function refusesNul(pattern: string): boolean {
  const re = new RegExp(pattern);
  return ['\u0000', 'a\u0000', '\u0000a', 'KG\u0000', '2027-01-01\u0000', 'x\u0000x'].every((probe) => !re.test(probe));
}

function withoutNul(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutNul);
  if (!schema || typeof schema !== 'object') return schema;
  const node = Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [
      k,
      k === 'example' || k === 'examples' || k === 'default' || k === 'enum' || k === 'const' ? v : withoutNul(v),
    ]),
  ) as JsonSchema;
  for (const k of ['additionalProperties', 'items'])
    if (node[k] && typeof node[k] === 'object' && !Object.keys(node[k] as object).length) node[k] = ref('JsonValue');
  if (node.propertyNames && typeof node.propertyNames === 'object' && !(node.propertyNames as JsonSchema).pattern)
    node.propertyNames = { ...(node.propertyNames as JsonSchema), pattern: NO_NUL };
  const isString = node.type === 'string' || (Array.isArray(node.type) && node.type.includes('string'));
  if (isString && !node.enum && node.const === undefined) {
    if (!node.pattern) node.pattern = NO_NUL;
    // A second pattern only where the first lets a NUL through (two patterns are hard on generators).
    else if (refusesNul(String(node.pattern)) === false)
      node.allOf = [...((node.allOf as unknown[]) ?? []), { pattern: NO_NUL }];
  }
  return node;
}

/** Every answer whose schema is not the Error shape names its own schema; every route must name it. */
function nameOf(registry: typeof requestSchemas | typeof responseSchemas, schema: z.ZodType, what: string): string {
  const id = registry.get(schema)?.id;
  if (!id)
    throw new Error(
      `${what} has no schema name: declare it with ${registry === requestSchemas ? 'requestBody' : 'responseBody'}() (api/contract.ts)`,
    );
  return id;
}

function queryParams(spec: RouteSpec) {
  const schema = spec.query;
  if (!schema) return [];
  if (!(schema instanceof z.ZodObject)) throw new Error(`${spec.operationId}: the query schema must be an object`);
  const examples = queryExampleOf(schema);
  if (!examples)
    throw new Error(`${spec.operationId}: declare the query schema with queryWithExample() (api/contract.ts)`);
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const json = withoutNul(jsonSchemaOf(field, 'input')) as JsonSchema;
    const description = typeof json.description === 'string' ? json.description : undefined;
    delete json.description;
    return {
      name,
      in: 'query',
      required: !field.safeParse(undefined).success,
      schema: json,
      example: examples[name],
      ...(description ? { description } : {}),
    };
  });
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request (malformed JSON or URL, validation failed: details per field, or a decision the workflow refused)',
  401: 'Missing, invalid or expired bearer token, or unknown user',
  403: 'Your role may not do this, or the task is assigned to someone else',
  404: 'Not found, or outside your scope',
  409: 'Conflict with the current state (task no longer open, Idempotency-Key reused with another body...)',
  413: 'Body larger than 1 MB (uploads: a file over the per-file limit, or files over what the object may still hold; nothing is stored)',
  415: 'Body is not application/json (uploads: not multipart/form-data)',
  416: 'The Range asked for is not within the file',
  429: 'Too many requests; see Retry-After',
  503: 'Temporal or the database is unavailable; see Retry-After',
};

/** Response headers the API sends, under components.headers (a reference cannot say `required`, so each says it itself). */
const HEADERS = {
  'X-Request-Id': {
    description: 'The request id (echoed when the client sent a sane one); it names the request in the logs',
    required: true,
    schema: { type: 'string' },
  },
  RateLimit: {
    description:
      'POST and PATCH: the limit, the requests left and the seconds until the window resets (draft-ietf-httpapi-ratelimit-headers-07), e.g. `limit=120, remaining=119, reset=60`',
    required: false,
    schema: { type: 'string' },
  },
  'RateLimit-Policy': {
    description: 'POST and PATCH: requests allowed per window of seconds, e.g. `120;w=60`',
    required: false,
    schema: { type: 'string' },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    required: true,
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
  'Idempotent-Replayed': {
    description: '`true` when this is the stored answer of an earlier request with the same Idempotency-Key and body',
    required: false,
    schema: { type: 'string', enum: ['true'] },
  },
  'Server-Timing': {
    description: 'Time the Temporal Update took (`temporal;dur=<ms>`)',
    required: true,
    schema: { type: 'string' },
  },
  'Content-Disposition': { description: 'The download file name', required: true, schema: { type: 'string' } },
  'Content-Range': {
    description: 'Range answers: the bytes sent and the file size (`bytes 0-1023/20480`)',
    required: false,
    schema: { type: 'string' },
  },
  'Accept-Ranges': {
    description: '`bytes`: the file may be fetched in ranges (Range: bytes=start-end)',
    required: true,
    schema: { type: 'string', enum: ['bytes'] },
  },
  ETag: { description: 'The SHA-256 of the file, quoted', required: true, schema: { type: 'string' } },
} satisfies Record<string, { description: string; required: boolean; schema: JsonSchema }>;
type HeaderName = keyof typeof HEADERS;

function headers(names: HeaderName[]) {
  return Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
}

function operation(spec: RouteSpec) {
  const auth = spec.auth !== false;
  const mutating = spec.method !== 'get';
  const declared = spec.params ?? {};
  const parameters: unknown[] = pathParams(spec.path).map((name) => {
    const p = declared[name];
    if (!p) throw new Error(`${spec.operationId}: describe the path parameter "${name}" in params`);
    return {
      name,
      in: 'path',
      required: true,
      description: p.description,
      schema: { type: 'string', minLength: 1, pattern: NO_NUL },
      example: p.example,
    };
  });
  parameters.push(...queryParams(spec));
  if (spec.idempotent) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Repeat a create safely: the same key and body return the first response; the same key with another body is 409.',
      schema: { type: 'string', pattern: '^[A-Za-z0-9._:\\-]{1,200}$' },
      example: 'create-2027-03-01-0001',
    });
  }
  const statuses = new Set<number>(spec.errors ?? []);
  // A path parameter that is not correctly percent-encoded is a 400 too.
  if (spec.body || spec.query || spec.path.includes(':')) statuses.add(400);
  if (auth) statuses.add(401);
  if (spec.roles) statuses.add(403);
  if (spec.path.includes(':')) statuses.add(404);
  if (spec.body || spec.multipart) {
    statuses.add(413);
    statuses.add(415);
  }
  if (spec.multipart) statuses.add(400);
  if (spec.idempotent) statuses.add(409);
  if (mutating) statuses.add(429);
  statuses.add(503);

  // Headers: X-Request-Id on every answer; the rate-limit headers on every answer to a POST/PATCH.
  const common: HeaderName[] = ['X-Request-Id', ...(mutating ? (['RateLimit', 'RateLimit-Policy'] as const) : [])];
  const successHeaders: HeaderName[] = [
    ...common,
    ...(spec.idempotent ? (['Idempotent-Replayed'] as const) : []),
    ...(spec.success.headers ?? ([] as ExtraHeader[])),
  ];
  const contentType = spec.success.contentType ?? 'application/json';
  const successSchema = spec.success.schema
    ? ref(nameOf(responseSchemas, spec.success.schema, `${spec.operationId}: the ${spec.success.status} answer`))
    : { type: 'string' };
  const content = spec.success.mediaTypes
    ? Object.fromEntries(spec.success.mediaTypes.map((m) => [m, { schema: { type: 'string', contentMediaType: m } }]))
    : { [contentType]: { schema: successSchema } };
  const success = {
    headers: headers(successHeaders),
    content,
    ...(spec.success.links ? { links: spec.success.links } : {}),
  };
  const responses: Record<string, unknown> = {
    [String(spec.success.status)]: { description: spec.success.description, ...success },
  };
  for (const also of spec.alsoAnswers ?? []) {
    responses[String(also.status)] = {
      description: also.description,
      content: success.content,
      headers: headers([
        ...(also.status < 300 ? successHeaders : common),
        ...(also.status === 503 || also.status === 429 ? (['Retry-After'] as const) : []),
      ]),
    };
  }
  for (const status of [...statuses].sort()) {
    if (responses[String(status)]) continue;
    const retry = status === 429 || status === 503 ? (['Retry-After'] as const) : [];
    // A 409 of an idempotent route says Retry-After when the first request under the key is still running.
    const busy =
      status === 409 && spec.idempotent
        ? {
            'Retry-After': {
              ...HEADERS['Retry-After'],
              description: 'Sent when the first request with this Idempotency-Key is still running',
              required: false,
            },
          }
        : {};
    responses[String(status)] = {
      description: ERROR_TEXT[status] ?? 'Error',
      headers: { ...headers([...common, ...retry]), ...busy },
      content: { 'application/json': { schema: ref('Error') } },
    };
  }

  const roles = spec.roles
    ? `\n\nRoles: ${spec.roles.join(', ')}.`
    : auth
      ? '\n\nRoles: any signed-in user.'
      : '\n\nNo authentication.';
  let requestBody: unknown;
  if (spec.body) {
    const meta = requestSchemas.get(spec.body);
    const name = nameOf(requestSchemas, spec.body, `${spec.operationId}: the request body`);
    requestBody = {
      // A body every field of which is optional may be left out (the route reads no body as {}).
      required: !spec.body.safeParse({}).success,
      content: {
        'application/json': { schema: ref(name), ...(meta?.example !== undefined ? { example: meta.example } : {}) },
      },
    };
  }
  if (spec.multipart) {
    requestBody = {
      required: true,
      content: {
        'multipart/form-data': {
          schema: spec.multipart.schema,
          ...(spec.multipart.encoding ? { encoding: spec.multipart.encoding } : {}),
        },
      },
    };
  }
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    description: `${spec.description ?? ''}${roles}`.trim(),
    tags: [spec.tag],
    ...(auth ? { security: [{ bearerAuth: [] }] } : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/** The named schemas of one registry as components, with references between them. */
function components(
  registry: typeof requestSchemas | typeof responseSchemas,
  io: 'input' | 'output',
): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(registry, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  if (schemas.__shared) throw new Error('a named schema needs shared definitions; name the shared part');
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas;
}

export function buildOpenApi(router: ApiRouter, info: { version: string; serverUrl?: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  const operationIds = new Set<string>();
  for (const { spec } of router.routes) {
    if (operationIds.has(spec.operationId)) throw new Error(`operationId ${spec.operationId} is used twice`);
    operationIds.add(spec.operationId);
    const p = openApiPath(spec.path);
    paths[p] ??= {};
    paths[p][spec.method] = operation(spec);
  }
  if (!responseSchemas.has(errorResponseSchema)) throw new Error('the Error schema is not named');
  const requests = Object.fromEntries(
    Object.entries(components(requestSchemas, 'input')).map(([name, schema]) => [
      name,
      withoutNul(schema) as JsonSchema,
    ]),
  );
  const responses = components(responseSchemas, 'output');
  for (const name of Object.keys(requests))
    if (name in responses) throw new Error(`schema name ${name} names a request and a response`);
  for (const { spec } of router.routes) {
    for (const [name, link] of Object.entries(spec.success.links ?? {}))
      if (!operationIds.has(link.operationId)) throw new Error(`${spec.operationId}: link ${name} names no operation`);
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
      schemas: { ...requests, JsonValue: JSON_VALUE, ...responses },
      headers: HEADERS,
    },
  };
}
