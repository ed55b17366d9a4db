import type { Request } from 'express';

/**
 * The web pages' only way to data: the HTTP API on loopback, with the signed-in user's bearer
 * token, so a page can show and do exactly what the API lets that user see and do.
 */
export interface ApiErrorBody {
  code: string;
  message: string;
  details?: { path: string; message: string }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiErrorBody,
  ) {
    super(`${status} ${error.code}: ${error.message}`);
  }
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiClient {
  get<T = Record<string, unknown>>(path: string): Promise<T>;
  /** POST/PATCH returning the status and body whatever the status (forms show 400 details). */
  send<T = Record<string, unknown>>(method: 'POST' | 'PATCH', path: string, body: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  /** A raw response (CSV export). */
  raw(path: string): Promise<Response>;
}

const TIMEOUT_MS = 35_000;

/** Base URL of the API: the configured one, else this very server over the socket the request came in on. */
export function apiBaseFor(req: Request, configured?: string): string {
  if (configured) return configured.replace(/\/+$/, '');
  const address = req.socket.localAddress ?? '127.0.0.1';
  const host = address === '::' || address === '0.0.0.0' ? '127.0.0.1' : address.startsWith('::ffff:') ? address.slice(7) : address;
  const port = req.socket.localPort;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function createApiClient(base: string, token: string | undefined, forwarded: { requestId?: string; ip?: string; lang?: string }): ApiClient {
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
    return new ApiError(status, e && typeof e.code === 'string' ? e : { code: 'http_error', message: `HTTP ${status}` });
  }
  return {
    async get<T>(path: string): Promise<T> {
      const res = await fetch(`${base}${path}`, { headers: headers(), signal: AbortSignal.timeout(TIMEOUT_MS) });
      const body = await parse<T>(res);
      if (!res.ok) throw errorOf(res.status, body);
      return body;
    },
    async send<T>(method: 'POST' | 'PATCH', path: string, payload: unknown, extra: Record<string, string> = {}): Promise<ApiResponse<T>> {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: headers({ 'Content-Type': 'application/json', ...extra }),
        body: JSON.stringify(payload ?? {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const body = await parse<T>(res);
      if (res.status === 401 || res.status >= 500 || res.status === 429) throw errorOf(res.status, body);
      return { status: res.status, body, headers: res.headers };
    },
    raw(path: string): Promise<Response> {
      return fetch(`${base}${path}`, { headers: headers({ Accept: 'text/csv' }), signal: AbortSignal.timeout(TIMEOUT_MS) });
    },
  };
}
