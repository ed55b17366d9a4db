import { performance } from 'node:perf_hooks';
import type { Samples } from './stats';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly url: string,
    readonly body: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(`${method} ${url} → ${status}: ${JSON.stringify(body).slice(0, 500)}`);
  }
}

export interface Timed<T> {
  status: number;
  body: T;
  ms: number;
  headers: Headers;
}

/**
 * A thin API client as a real one would be: bearer tokens from POST /auth/dev-token (cached
 * per e-mail), JSON bodies, every call timed into a route group. Given several API instances,
 * it sends each call to the next one in turn (as a round-robin load balancer would).
 */
/** Attempts of a request under an Idempotency-Key that keeps answering 503. */
const MAX_ATTEMPTS = 6;

export class ApiClient {
  private readonly tokens = new Map<string, Promise<string>>();
  private readonly baseUrls: readonly string[];
  private next = 0;
  errors = 0;
  /** 503s answered by sending the request again under its Idempotency-Key (not errors unless the last attempt fails too). */
  retries = 0;

  constructor(
    baseUrl: string | readonly string[],
    readonly samples: Samples,
  ) {
    this.baseUrls = typeof baseUrl === 'string' ? [baseUrl] : baseUrl;
  }

  private get baseUrl(): string {
    return this.baseUrls[this.next++ % this.baseUrls.length];
  }

  async call<T>(
    group: string,
    method: 'GET' | 'POST',
    path: string,
    token?: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
    /** Error statuses answered to the caller (not thrown, not counted as errors), e.g. [404] while a row may not exist yet. */
    expected: readonly number[] = [],
  ): Promise<Timed<T>> {
    // A 503 to a request under an Idempotency-Key is answered, as the API documents, by sending it
    // again with the same key after Retry-After: the retry gets the answer of what was applied.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(group, method, path, token, body, extraHeaders, expected);
      } catch (err) {
        const retryable = err instanceof HttpError && err.status === 503 && extraHeaders['idempotency-key'];
        if (!retryable || attempt >= MAX_ATTEMPTS) throw err;
        this.errors--;
        this.retries++;
        await new Promise((r) => setTimeout(r, Math.min(err.retryAfterSeconds ?? 1, 5) * 1000));
      }
    }
  }

  private async once<T>(
    group: string,
    method: 'GET' | 'POST',
    path: string,
    token: string | undefined,
    body: unknown,
    extraHeaders: Record<string, string>,
    expected: readonly number[],
  ): Promise<Timed<T>> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const started = performance.now();
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      text = await res.text();
    } catch (err) {
      this.errors++;
      throw err;
    }
    const ms = performance.now() - started;
    this.samples.add(group, ms);
    const parsed = text ? (JSON.parse(text) as unknown) : null;
    if (!res.ok && !expected.includes(res.status)) {
      this.errors++;
      const retryAfter = Number(res.headers.get('retry-after'));
      throw new HttpError(res.status, method, path, parsed, Number.isFinite(retryAfter) ? retryAfter : undefined);
    }
    return { status: res.status, body: parsed as T, ms, headers: res.headers };
  }

  token(email: string): Promise<string> {
    let t = this.tokens.get(email);
    if (!t) {
      t = this.call<{ token: string }>('auth', 'POST', '/auth/dev-token', undefined, { email }).then(
        (r) => r.body.token,
      );
      t.catch(() => this.tokens.delete(email));
      this.tokens.set(email, t);
    }
    return t;
  }
}

/** `dur` of one metric of a Server-Timing header, in ms. */
export function serverTiming(headers: Headers, metric: string): number | undefined {
  const header = headers.get('server-timing');
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (name.trim() !== metric) continue;
    for (const p of params) {
      const [k, v] = p.trim().split('=');
      if (k === 'dur') return Number(v);
    }
  }
  return undefined;
}
