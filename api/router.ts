import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { READ_ONLY_ROLES, type Role } from '../domain/roles';
import type { PrismaClient } from '../lib/db';
import { forbidden, HttpError, unauthorized, validationFailed, zodDetails } from './errors';
import { requestHash, validKey, withIdempotency } from './idempotency';
import type { ReadCache } from './read-cache';
import type { AuthUser } from './types';

/**
 * Routes are declared once, with their schemas and roles: the same declaration mounts the
 * Express handler and produces the OpenAPI operation, so the document lists every route, and
 * the handler's answer is typed by (and, outside production, checked against) its declared
 * response schema.
 */
export type Method = 'get' | 'post' | 'patch';
type Schema = z.ZodType;

/**
 * A GET answer that depends only on the tables of `topic` (lib/db.ts `topicChanges`) and on what `by`
 * returns for the request (e.g. the caller's scope and the filters, so callers who see the same share it):
 * it is reused until a transaction writing those tables commits, on any instance.
 */
export interface CachePolicy<Query = unknown> {
  topic: string;
  by: (request: { user: AuthUser; query: Query; params: Record<string, string> }) => unknown;
}

/** Response headers a route sends besides the ones every route of its kind sends (api/openapi.ts). */
export type ExtraHeader = 'Server-Timing' | 'Content-Disposition' | 'Content-Range' | 'Accept-Ranges' | 'ETag';

export interface RouteSpec<
  B extends Schema | undefined = Schema | undefined,
  Q extends Schema | undefined = Schema | undefined,
  R extends Schema | undefined = Schema | undefined,
> {
  method: Method;
  path: string;
  /** Readable and unique: listProposals, decideTask... (generated clients name their methods after it). */
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Default true. */
  auth?: boolean;
  /** Roles allowed at all; others get 403. Omitted: every authenticated role. */
  roles?: readonly Role[];
  /**
   * A write on the caller's own account (sign-out, tokens, preferences, terms): the only writes a
   * read-only role (domain/roles.ts READ_ONLY_ROLES, the auditor) may send; any other is 403.
   */
  ownAccount?: boolean;
  /** Named with requestBody() (api/contract.ts). A body that accepts `{}` is documented as optional. */
  body?: B;
  /** Named with queryWithExample() (api/contract.ts). */
  query?: Q;
  /**
   * A `multipart/form-data` body the handler streams itself (file uploads): its JSON Schema for the
   * document (string fields, files as `contentMediaType` strings). Never parsed or buffered by the router.
   */
  multipart?: { schema: Record<string, unknown>; encoding?: Record<string, unknown> };
  /** Every `:name` of the path, with a description and an example value. */
  params?: Record<string, { description: string; example: string }>;
  /** Middleware run before authentication and validation (e.g. a route's own rate limits). */
  before?: RequestHandler[];
  /** Accepts `Idempotency-Key`. */
  idempotent?: boolean;
  /**
   * GET routes whose answer depends only on the database, the caller and the request: the
   * answer is reused while the database is unchanged (api/read-cache.ts). The handler must not
   * write to `res` itself.
   */
  cached?: boolean | CachePolicy<Q extends Schema ? z.output<Q> : undefined>;
  success: {
    status: number;
    description: string;
    /** JSON answers: named with responseBody() (api/contract.ts). Omitted for other content types. */
    schema?: R;
    contentType?:
      | 'application/json'
      | 'text/csv'
      | 'text/html'
      | 'text/javascript'
      | 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
      | 'application/pdf'
      | 'application/octet-stream';
    headers?: ExtraHeader[];
    /** Files: every media type the answer may have (the document lists each). */
    mediaTypes?: readonly string[];
    /**
     * OpenAPI links: operations the answer leads to, with where their parameters come from (a
     * runtime expression such as `$response.body#/id`). Clients and fuzzers follow them.
     */
    links?: Record<string, { operationId: string; parameters: Record<string, string> }>;
  };
  /** Other statuses answered with the success schema (e.g. /health's 503). */
  alsoAnswers?: { status: number; description: string }[];
  /** Error statuses worth documenting besides the common ones. */
  errors?: number[];
}

export interface Ctx<B, Q> {
  req: Request;
  res: Response;
  user: AuthUser;
  body: B;
  query: Q;
  params: Record<string, string>;
  /** The validated Idempotency-Key of an idempotent route, when the client sent one. */
  idempotencyKey?: string;
}

export interface Result<T = unknown> {
  status?: number;
  body: T;
}

type Parsed<T> = T extends Schema ? z.output<T> : undefined;
type Answer<T> = T extends Schema ? z.input<T> : never;
export type Handler<B extends Schema | undefined, Q extends Schema | undefined, R extends Schema | undefined> = (
  ctx: Ctx<Parsed<B>, Parsed<Q>>,
) => Promise<Result<Answer<R>> | void>;

/**
 * What the router does when a JSON answer does not match its route's schema: `enforce` answers
 * 500 instead (development and tests, so drift fails loudly), `log` logs it and sends the answer.
 */
export type ResponseCheck = 'enforce' | 'log';

export interface RouterDeps {
  prisma: PrismaClient;
  readCache: ReadCache;
  authenticate: RequestHandler;
  /** Per-user limiter, applied after authentication on mutating routes. */
  userLimiter: RequestHandler;
  responseCheck: ResponseCheck;
  /** How long a request waits for an earlier one with the same Idempotency-Key (the Temporal call bound). */
  idempotencyWaitMs: number;
}

interface Registered {
  spec: RouteSpec;
  handler: Handler<Schema | undefined, Schema | undefined, Schema | undefined>;
}

type Links = NonNullable<RouteSpec<undefined, undefined, undefined>['success']['links']>;

/** OpenAPI links from an answer carrying a resource's `id` to the operations that take that id. */
export function linksById(...operationIds: string[]): Links {
  return Object.fromEntries(
    operationIds.map((operationId) => [operationId, { operationId, parameters: { id: '$response.body#/id' } }]),
  );
}

/** A 201 answer with the created resource, linked to the operations that take its id. */
export function created<R>(schema: R, ...operationIds: string[]) {
  return { status: 201, description: 'Created', schema, links: linksById(...operationIds) };
}

export class ApiRouter {
  readonly routes: Registered[] = [];

  add<
    B extends Schema | undefined = undefined,
    Q extends Schema | undefined = undefined,
    R extends Schema | undefined = undefined,
  >(spec: RouteSpec<B, Q, R>, handler: Handler<B, Q, R>): void {
    this.routes.push({ spec: spec as RouteSpec, handler: handler as unknown as Registered['handler'] });
  }

  mount(app: Express, deps: RouterDeps): void {
    const methodsByPath = new Map<string, Set<string>>();
    for (const { spec, handler } of this.routes) {
      const chain: RequestHandler[] = [];
      const needsAuth = spec.auth !== false;
      chain.push(...(spec.before ?? []));
      // Answers for a signed-in user (errors included) must not be kept by browsers or proxies.
      if (needsAuth) chain.push(noStore, deps.authenticate);
      if (needsAuth && spec.method !== 'get') chain.push(deps.userLimiter);
      chain.push(wrap(spec, handler, deps));
      app[spec.method](spec.path, ...chain);
      const methods = methodsByPath.get(spec.path) ?? new Set<string>();
      methods.add(spec.method.toUpperCase());
      if (spec.method === 'get') methods.add('HEAD');
      methodsByPath.set(spec.path, methods);
    }
    // After every route: another method on an existing path is 405 with the methods it has.
    for (const [path, methods] of methodsByPath) {
      const allow = [...METHOD_ORDER.filter((m) => methods.has(m)), 'OPTIONS'].join(', ');
      app.all(path, (req, res, next) => {
        res.setHeader('Allow', allow);
        if (req.method === 'OPTIONS') return void res.status(204).end();
        next(new HttpError(405, 'method_not_allowed', `${req.method} is not allowed here; allowed: ${allow}`));
      });
    }
  }
}

const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PATCH'];

const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

const UNSTORABLE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\u0000/;
const UNSTORABLE_MESSAGE = 'is not valid text (a lone surrogate or a NUL character)';

/** Deeper than any body of this API; deeper bodies are refused before anything recursive (zod, hashing, Temporal's payloads) sees them. */
const MAX_BODY_DEPTH = 32;

/**
 * The first problem of a body (or the URL's parameters) that is valid JSON but cannot be processed:
 * a string (or key) that cannot be stored as text (a lone surrogate, which JSON can carry as an
 * escape ("\ud800") but UTF-8 cannot, or a NUL character, which PostgreSQL's text and jsonb refuse:
 * Prisma and Temporal would fail on it later, a 500 or a workflow whose commits never succeed), or
 * nesting deeper than MAX_BODY_DEPTH. Iterative: bodies may be nested arbitrarily deep.
 */
function bodyProblem(body: unknown): { path: string; message: string } | undefined {
  const stack: [unknown, string, number][] = [[body, '', 0]];
  while (stack.length) {
    const [value, path, depth] = stack.pop()!;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) return { path: path || '(body)', message: UNSTORABLE_MESSAGE };
    } else if (value && typeof value === 'object') {
      if (depth >= MAX_BODY_DEPTH)
        return { path: path || '(body)', message: `is nested more than ${MAX_BODY_DEPTH} levels deep` };
      for (const [key, child] of Object.entries(value)) {
        const at = path ? `${path}.${key}` : key;
        if (UNSTORABLE.test(key)) return { path: at, message: UNSTORABLE_MESSAGE };
        stack.push([child, at, depth + 1]);
      }
    }
  }
  return undefined;
}

function parse<T extends Schema>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationFailed(zodDetails(parsed.error.issues));
  return parsed.data;
}

/** The cache key of a request: route, caller, path parameters and the parsed query. */
function cacheKey(spec: RouteSpec, user: AuthUser | undefined, params: unknown, query: unknown): string {
  return JSON.stringify([spec.method, spec.path, user?.id ?? null, params, query ?? null]);
}

/** The answers a route declares with its schema: its success status and `alsoAnswers`. */
function schemaStatuses(spec: RouteSpec): Set<number> {
  return new Set([spec.success.status, ...(spec.alsoAnswers ?? []).map((a) => a.status)]);
}

function wrap(spec: RouteSpec, handler: Registered['handler'], deps: RouterDeps): RequestHandler {
  const { prisma, readCache, idempotencyWaitMs } = deps;
  const statuses = schemaStatuses(spec);
  /** The handler's answer, checked against the route's response schema. */
  const answer = async (req: Request, ctx: unknown): Promise<{ status: number; body: unknown }> => {
    const r = await handler(ctx as never);
    const status = r?.status ?? 200;
    const body = r?.body ?? null;
    if (spec.success.schema && statuses.has(status) && r) {
      const checked = spec.success.schema.safeParse(body);
      if (!checked.success) {
        const problems = zodDetails(checked.error.issues);
        req.log.error(
          { route: `${spec.method.toUpperCase()} ${spec.path}`, status, problems },
          "the answer does not match the route's response schema",
        );
        if (deps.responseCheck === 'enforce') {
          throw new HttpError(
            500,
            'response_contract',
            `the answer does not match the documented schema: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
          );
        }
      }
    }
    return { status, body };
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const run = async () => {
      const user = req.user as AuthUser;
      if (spec.auth !== false) {
        if (!user) throw unauthorized();
        if (spec.roles && !spec.roles.includes(user.role))
          throw forbidden(`the ${user.role} role may not ${spec.method.toUpperCase()} ${spec.path}`);
        if (spec.method !== 'get' && !spec.ownAccount && READ_ONLY_ROLES.has(user.role))
          throw forbidden(
            `the ${user.role} role reads and changes nothing: ${spec.method.toUpperCase()} ${spec.path} is refused`,
          );
      }
      const badInUrl = bodyProblem(req.params) ?? bodyProblem(req.query);
      if (badInUrl) throw validationFailed([badInUrl]);
      const query = spec.query ? parse(spec.query, req.query) : undefined;
      let body: unknown;
      if (spec.body) {
        // express.json() leaves {} when it did not parse: a body of another media type is refused, no body is {}.
        const hasBody =
          Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
        if (hasBody && !req.is('application/json'))
          throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
        const problem = hasBody ? bodyProblem(req.body) : undefined;
        if (problem) throw validationFailed([problem]);
        body = parse(spec.body, hasBody ? req.body : {});
      }
      const keyHeader = spec.idempotent ? req.get('Idempotency-Key') : undefined;
      const key = keyHeader !== undefined ? validKey(keyHeader.trim()) : undefined;
      const ctx = { req, res, user, body, query, params: req.params as Record<string, string>, idempotencyKey: key };
      let result: Result | void;
      if (key !== undefined) {
        const outcome = await withIdempotency(
          prisma,
          // A route without a body ignores whatever was sent (and its depth was never checked): it is not part of the request.
          { userId: user.id, key, hash: requestHash(req.method, req.path, spec.body ? req.body : null) },
          () => answer(req, ctx),
          { waitMs: idempotencyWaitMs },
        );
        if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
        result = { status: outcome.status, body: outcome.body };
      } else if (spec.cached && spec.method === 'get') {
        // Cached as JSON text: a hit costs neither the queries nor the serialization.
        const policy = spec.cached === true ? undefined : spec.cached;
        const key = policy
          ? JSON.stringify([spec.method, spec.path, policy.by({ user, query, params: req.params })])
          : cacheKey(spec, user, req.params, query);
        const cached = await readCache.get(
          key,
          async () => {
            const r = await answer(req, ctx);
            return { status: r.status, json: JSON.stringify(r.body) };
          },
          { topic: policy?.topic },
        );
        if (!res.headersSent) res.status(cached.status).type('application/json').send(cached.json);
        return;
      } else if (spec.success.schema) {
        result = await answer(req, ctx);
      } else {
        // Not JSON (HTML, CSV, a script): the handler writes the response itself.
        result = await handler(ctx as never);
      }
      if (result && !res.headersSent) res.status(result.status ?? 200).json(result.body);
    };
    run().catch(next);
  };
}
