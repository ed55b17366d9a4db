import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import { poolOf, type PrismaClient } from '../lib/db';

/**
 * express-rate-limit's hit counter in PostgreSQL (table RateLimitHit), so every API instance
 * counts against the same limit. A key's window opens at its first request and lasts windowMs
 * on the database's clock (the same for every instance); each request is one atomic
 * `INSERT … ON CONFLICT DO UPDATE … RETURNING` (the row lock orders concurrent requests from any
 * instance: no read-modify-write race). Rows of ended windows are deleted now and then by
 * whichever instance passes by.
 */
export class PostgresRateLimitStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;
  private nextCleanup = 0;

  constructor(
    private readonly prisma: PrismaClient,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private key(key: string): string {
    return `${this.prefix}${key}`;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    this.cleanupNowAndThen();
    const { rows } = await poolOf(this.prisma).query<{ hits: number; resetAt: Date }>(
      `INSERT INTO "RateLimitHit" AS r ("key", "hits", "resetAt")
       VALUES ($1, 1, clock_timestamp() + make_interval(secs => $2::bigint / 1000.0))
       ON CONFLICT ("key") DO UPDATE SET
         "hits" = CASE WHEN r."resetAt" <= clock_timestamp() THEN 1 ELSE r."hits" + 1 END,
         "resetAt" = CASE WHEN r."resetAt" <= clock_timestamp() THEN EXCLUDED."resetAt" ELSE r."resetAt" END
       RETURNING "hits", "resetAt"`,
      [this.key(key), this.windowMs],
    );
    return { totalHits: rows[0].hits, resetTime: rows[0].resetAt };
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const { rows } = await poolOf(this.prisma).query<{ hits: number; resetAt: Date }>(
      'SELECT "hits", "resetAt" FROM "RateLimitHit" WHERE "key" = $1 AND "resetAt" > clock_timestamp()',
      [this.key(key)],
    );
    return rows[0] ? { totalHits: rows[0].hits, resetTime: rows[0].resetAt } : undefined;
  }

  async decrement(key: string): Promise<void> {
    await poolOf(this.prisma).query(
      'UPDATE "RateLimitHit" SET "hits" = greatest("hits" - 1, 0) WHERE "key" = $1 AND "resetAt" > clock_timestamp()',
      [this.key(key)],
    );
  }

  async resetKey(key: string): Promise<void> {
    await poolOf(this.prisma).query('DELETE FROM "RateLimitHit" WHERE "key" = $1', [this.key(key)]);
  }

  /** At most once per window per instance, in the background: rows whose window has ended. */
  private cleanupNowAndThen(): void {
    const now = Date.now();
    if (now < this.nextCleanup) return;
    this.nextCleanup = now + this.windowMs;
    poolOf(this.prisma)
      .query('DELETE FROM "RateLimitHit" WHERE "resetAt" < clock_timestamp()')
      .catch(() => {
        this.nextCleanup = 0;
      });
  }
}
