import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import request from 'supertest';
import type { Application } from 'express';

/**
 * Checks real answers against the OpenAPI document the API serves: the status is documented for
 * the operation, the media type is the documented one, a JSON body validates against the
 * documented schema (a JSON Schema validator, independent of zod), required headers are present
 * and the headers the API sends on purpose are documented. Every call is remembered, so a test
 * can ask which operations and statuses it has seen.
 */
type Json = Record<string, unknown>;
interface Operation {
  operationId: string;
  responses: Record<
    string,
    { headers?: Record<string, { $ref?: string; required?: boolean }>; content?: Record<string, { schema: Json }> }
  >;
}
export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; headers: Record<string, { required?: boolean; schema: Json }> };
}

/** Headers the API sends on purpose: when present, the document must list them for that answer. */
const MEANINGFUL_HEADERS = [
  'retry-after',
  'ratelimit',
  'ratelimit-policy',
  'idempotent-replayed',
  'server-timing',
  'content-disposition',
  'x-request-id',
];

export function jsonSchemaValidator(doc: OpenApiDoc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // References in the document are `#/components/...`: the components live in a resource of their own.
  ajv.addSchema({ $id: 'doc', components: doc.components });
  const cache = new Map<string, ValidateFunction>();
  return (schema: Json): ValidateFunction => {
    const key = JSON.stringify(schema);
    let fn = cache.get(key);
    if (!fn) {
      const rebased = JSON.parse(key.replace(/"#\/components\//g, '"doc#/components/')) as Json;
      fn = ajv.compile(rebased);
      cache.set(key, fn);
    }
    return fn;
  };
}

export interface Seen {
  operationId: string;
  status: number;
}

export class ContractChecker {
  readonly seen: Seen[] = [];
  readonly problems: string[] = [];
  private readonly compile: ReturnType<typeof jsonSchemaValidator>;
  private readonly templates: { method: string; template: string; re: RegExp }[];

  constructor(readonly doc: OpenApiDoc) {
    this.compile = jsonSchemaValidator(doc);
    this.templates = Object.entries(doc.paths).flatMap(([template, ops]) =>
      Object.keys(ops).map((method) => ({
        method,
        template,
        re: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      })),
    );
  }

  operationOf(method: string, url: string): { template: string; op: Operation } | undefined {
    const path = url.split('?')[0];
    const hit = this.templates.find((t) => t.method === method.toLowerCase() && t.re.test(path));
    return hit ? { template: hit.template, op: this.doc.paths[hit.template][hit.method] } : undefined;
  }

  /** Problems of one answer (also remembered in `problems`). */
  check(method: string, url: string, res: request.Response): string[] {
    const where = `${method.toUpperCase()} ${url} → ${res.status}`;
    const found = this.operationOf(method, url);
    const problems: string[] = [];
    if (!found) {
      problems.push(`${where}: no documented operation`);
    } else {
      const { op } = found;
      this.seen.push({ operationId: op.operationId, status: res.status });
      const documented = op.responses[String(res.status)];
      if (!documented) {
        problems.push(
          `${where}: status ${res.status} is not documented for ${op.operationId} (documented: ${Object.keys(op.responses).join(', ')})`,
        );
      } else {
        const mediaType = String(res.headers['content-type'] ?? '')
          .split(';')[0]
          .trim();
        const content = documented.content ?? {};
        if (!content[mediaType])
          problems.push(
            `${where}: content type ${mediaType || '(none)'} is not documented (${Object.keys(content).join(', ')})`,
          );
        else if (mediaType === 'application/json') {
          const validate = this.compile(content[mediaType].schema);
          if (!validate(res.body))
            problems.push(
              `${where}: body does not match the documented schema: ${JSON.stringify(validate.errors?.slice(0, 5))}`,
            );
        }
        const headers = documented.headers ?? {};
        const byName = new Map(
          Object.entries(headers).map(([name, h]) => [
            name.toLowerCase(),
            h.$ref ? this.doc.components.headers[h.$ref.split('/').pop()!] : h,
          ]),
        );
        for (const [name, h] of byName)
          if (h?.required && res.headers[name] === undefined)
            problems.push(`${where}: required header ${name} missing`);
        for (const name of MEANINGFUL_HEADERS)
          if (res.headers[name] !== undefined && !byName.has(name))
            problems.push(`${where}: header ${name} is sent but not documented`);
      }
    }
    this.problems.push(...problems);
    return problems;
  }

  /** Operations of the document never seen answering their success status. */
  unseenSuccesses(): string[] {
    const out: string[] = [];
    for (const ops of Object.values(this.doc.paths)) {
      for (const op of Object.values(ops)) {
        const success = Object.keys(op.responses)
          .map(Number)
          .filter((s) => s >= 200 && s < 300);
        for (const status of success)
          if (!this.seen.some((s) => s.operationId === op.operationId && s.status === status))
            out.push(`${op.operationId} ${status}`);
      }
    }
    return out;
  }
}

/** supertest calls whose answers are checked against the document as they arrive. */
export function checkedClient(app: Application, checker: ContractChecker) {
  const send = async (
    method: 'get' | 'post' | 'patch',
    url: string,
    opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    let r = request(app)[method](url);
    if (opts.token) r = r.set('Authorization', `Bearer ${opts.token}`);
    for (const [k, v] of Object.entries(opts.headers ?? {})) r = r.set(k, v);
    const res = opts.body !== undefined ? await r.send(opts.body as object) : await r;
    checker.check(method, url, res);
    return res;
  };
  return {
    get: (url: string, token?: string, headers?: Record<string, string>) => send('get', url, { token, headers }),
    post: (url: string, body: unknown, token?: string, headers?: Record<string, string>) =>
      send('post', url, { token, body, headers }),
    patch: (url: string, body: unknown, token?: string) => send('patch', url, { token, body }),
  };
}
