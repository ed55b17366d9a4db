import type { Request } from 'express';
import type { components, paths } from '../generated/api/openapi';

/**
 * The web pages' only way to data: the HTTP API on loopback, with the signed-in user's bearer
 * token, so a page can show and do exactly what the API lets that user see and do.
 *
 * Typed by the client types generated from the OpenAPI document (`npm run api:types`,
 * generated/api/openapi.d.ts): a call names a documented path template and method, its path
 * parameters, query and body are checked against the document, and the answer has the
 * documented type. `tsc` (part of `npm test`) fails when a page's call no longer matches.
 */
export type Schemas = components['schemas'];
export type ApiErrorBody = Schemas['Error']['error'];

type Method = 'get' | 'post' | 'patch';
/** The documented path templates that have an operation for `M`. */
export type PathsFor<M extends Method> = { [P in keyof paths]: undefined extends paths[P][M] ? never : P }[keyof paths];
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Responses<O> = O extends { responses: infer R } ? R : never;
/** The JSON body of the operation's 2xx answer. */
export type SuccessOf<O> = JsonOf<Responses<O>[Extract<keyof Responses<O>, 200 | 201 | 202>]>;
type PathParamsOf<O> = O extends { parameters: { path: infer P } } ? P : undefined;
type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? Q : undefined;
type BodyOf<O> = O extends { requestBody: { content: { 'application/json': infer B } } }
  ? { body: B }
  : O extends { requestBody?: { content: { 'application/json': infer B } } }
    ? { body?: B }
    : { body?: undefined };
/** Path parameters are required when the template has any; the query is always optional. */
type Options<O> = (PathParamsOf<O> extends undefined ? { params?: undefined } : { params: PathParamsOf<O> }) & {
  query?: QueryOf<O>;
};
type OptionsArg<O> = PathParamsOf<O> extends undefined ? [options?: Options<O>] : [options: Options<O>];
/**
 * What a form sends for a body of type T: the documented fields only, each possibly missing or
 * still the text the user typed. The API validates it, and its 400 details go back to the form.
 */
export type FormBody<T> = T extends readonly (infer U)[]
  ? (FormBody<U> | null | undefined)[]
  : T extends object
    ? { [K in keyof T]?: FormBody<T[K]> | null }
    : T | string;
type Loose<B> = B extends { body: infer T }
  ? { body: FormBody<T> }
  : B extends { body?: infer T }
    ? { body?: FormBody<T> }
    : B;
type SendOptions<O> = Options<O> & Loose<BodyOf<O>> & { headers?: Record<string, string> };

export type { paths };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiErrorBody,
  ) {
    super(`${status} ${error.code}: ${error.message}`);
  }
}

/** A POST/PATCH answer whatever its status: the documented success body, or the error shape. */
export type ApiResponse<T> = { status: number; headers: Headers } & (
  { ok: true; body: T } | { ok: false; body: Schemas['Error'] }
);

export interface ApiClient {
  /** A documented GET answering JSON; throws ApiError on any other status. */
  get<P extends PathsFor<'get'>>(
    path: P,
    ...options: OptionsArg<Operation<P, 'get'>>
  ): Promise<SuccessOf<Operation<P, 'get'>>>;
  /** POST/PATCH returning the status and body whatever the status (forms show 400 details); 401, 429 and 5xx throw ApiError. */
  send<M extends 'POST' | 'PATCH', P extends PathsFor<Lowercase<M>>>(
    method: M,
    path: P,
    options: SendOptions<Operation<P, Lowercase<M>>>,
  ): Promise<ApiResponse<SuccessOf<Operation<P, Lowercase<M>>>>>;
  /** A raw response of a documented GET (CSV export). */
  raw<P extends PathsFor<'get'>>(path: P, ...options: OptionsArg<Operation<P, 'get'>>): Promise<Response>;
  /** A documented GET whose answer is passed on as it comes (file downloads), with extra request headers (Range). */
  download(
    path: '/documents/{id}/content',
    options: { params: { id: string }; headers?: Record<string, string> },
  ): Promise<Response>;
  /** A documented multipart POST whose body is streamed from the browser's request as it arrives (file uploads). */
  upload(
    path:
      | '/proposals/{id}/documents'
      | '/expert-requests/{id}/documents'
      | '/event-travel/{id}/documents'
      | '/experts/{id}/documents'
      | '/documents',
    options: { params?: { id: string }; body: NodeJS.ReadableStream; contentType: string; contentLength?: string },
  ): Promise<Response>;
}

/** `/proposals/{id}` with `{ id }` and a query object → `/proposals/p-1?page=2` (undefined query values left out). */
export function apiUrl(
  template: string,
  options: { params?: Record<string, string | number>; query?: Record<string, unknown> } = {},
): string {
  const path = template.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => {
    const value = options.params?.[name];
    if (value === undefined) throw new Error(`${template}: path parameter ${name} is missing`);
    return encodeURIComponent(String(value));
  });
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(options.query ?? {}))
    if (value !== undefined && value !== null && value !== '') query.set(key, String(value));
  const qs = query.toString();
  return qs ? `${path}?${qs}` : path;
}

const TIMEOUT_MS = 35_000;

/** Base URL of the API: the configured one, else this very server over the socket the request came in on. */
export function apiBaseFor(req: Request, configured?: string): string {
  if (configured) return configured.replace(/\/+$/, '');
  const address = req.socket.localAddress ?? '127.0.0.1';
  const host =
    address === '::' || address === '0.0.0.0'
      ? '127.0.0.1'
      : address.startsWith('::ffff:')
        ? address.slice(7)
        : address;
  const port = req.socket.localPort;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function createApiClient(
  base: string,
  token: string | undefined,
  forwarded: { requestId?: string; ip?: string; lang?: string },
): ApiClient {
  // The browser's address is passed on only when asked (the API must then trust its loopback proxy).
  const xff: Record<string, string> = forwarded.ip ? { 'X-Forwarded-For': forwarded.ip } : {};
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
    Accept: 'application/json',
    ...xff,
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
    ...(forwarded.requestId ? { 'X-Request-Id': forwarded.requestId } : {}),
    ...extra,
  });
  async function parse<T>(res: Response): Promise<T> {
    const text = await res.text();
    if (!text) return null as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      return text as unknown as T;
    }
  }
  function errorOf(status: number, body: unknown): ApiError {
    const e = (body as { error?: ApiErrorBody } | null)?.error;
    return new ApiError(
      status,
      e && typeof e.code === 'string' ? e : { code: 'http_error', message: `HTTP ${status}` },
    );
  }
  type Untyped = {
    params?: Record<string, string | number>;
    query?: Record<string, unknown>;
    body?: unknown;
    headers?: Record<string, string>;
  };
  const client = {
    async get(path: string, options?: Untyped): Promise<unknown> {
      const res = await fetch(`${base}${apiUrl(path, options)}`, {
        headers: headers(),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const body = await parse<unknown>(res);
      if (!res.ok) throw errorOf(res.status, body);
      return body;
    },
    async send(method: 'POST' | 'PATCH', path: string, options: Untyped = {}): Promise<ApiResponse<unknown>> {
      const res = await fetch(`${base}${apiUrl(path, options)}`, {
        method,
        headers: headers({ 'Content-Type': 'application/json', ...options.headers }),
        body: JSON.stringify(options.body ?? {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const body = await parse<unknown>(res);
      if (res.status === 401 || res.status >= 500 || res.status === 429) throw errorOf(res.status, body);
      if (res.ok) return { ok: true, status: res.status, body, headers: res.headers };
      return {
        ok: false,
        status: res.status,
        body:
          body && typeof body === 'object' && 'error' in body
            ? (body as Schemas['Error'])
            : { error: { code: 'http_error', message: `HTTP ${res.status}` } },
        headers: res.headers,
      };
    },
    raw(path: string, options?: Untyped): Promise<Response> {
      return fetch(`${base}${apiUrl(path, options)}`, {
        headers: headers({ Accept: 'text/csv' }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    },
    download(path: string, options: Untyped): Promise<Response> {
      return fetch(`${base}${apiUrl(path, options)}`, { headers: headers({ Accept: '*/*', ...options.headers }) });
    },
    upload(
      path: string,
      options: Untyped & { body: NodeJS.ReadableStream; contentType: string; contentLength?: string },
    ): Promise<Response> {
      return fetch(`${base}${apiUrl(path, options)}`, {
        method: 'POST',
        headers: headers({
          'Content-Type': options.contentType,
          ...(options.contentLength ? { 'Content-Length': options.contentLength } : {}),
        }),
        body: options.body as unknown as RequestInit['body'],
        duplex: 'half',
      } as RequestInit);
    },
  };
  // The typed signatures (ApiClient) over the untyped implementation: the types come from the document.
  return client as unknown as ApiClient;
}
