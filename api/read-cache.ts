/**
 * Results of reads, keyed by the database version (lib/db.ts `databaseVersion`, PostgreSQL's
 * commit snapshot, the same for every API instance): a result is served again only while no
 * write has committed since it was computed, through any process or instance, and for at most `ttlMs` (figures derived from the clock, such as days in stage or
 * overdue by due date, move on without a write). Concurrent requests for the same key share one
 * computation. A dashboard refreshed by many people then costs one query set per change instead
 * of one per request (bench: reads at scale).
 */
export interface ReadCacheOptions {
  /** Current database version (one round trip); undefined means "unknown": nothing is cached. */
  version: () => Promise<string | undefined>;
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

interface Entry<T> {
  version: string;
  expiresAt: number;
  value: Promise<T>;
}

export interface ReadCacheStats {
  hits: number;
  misses: number;
  entries: number;
}

export class ReadCache {
  private readonly entries = new Map<string, Entry<unknown>>();
  private hits = 0;
  private misses = 0;

  constructor(private readonly opts: ReadCacheOptions) {}

  get enabled(): boolean {
    return this.opts.ttlMs > 0 && this.opts.maxEntries > 0;
  }

  /** The value of `compute()` for `key` at the current database version. */
  async get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    // The version is read before computing: a change made meanwhile gives a newer version, so a
    // result is never filed under a version later than the state it may have read.
    const version = this.enabled ? await this.opts.version() : undefined;
    if (version === undefined) return compute();
    const now = (this.opts.now ?? Date.now)();
    const found = this.entries.get(key);
    if (found && found.version === version && found.expiresAt > now) {
      this.hits++;
      // Most recently used last (Map keeps insertion order): eviction takes the oldest first.
      this.entries.delete(key);
      this.entries.set(key, found);
      return found.value as Promise<T>;
    }
    this.misses++;
    const value = compute();
    const entry: Entry<unknown> = { version, expiresAt: now + this.opts.ttlMs, value };
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.opts.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    // Failures are not kept: the next request tries again.
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  stats(): ReadCacheStats {
    return { hits: this.hits, misses: this.misses, entries: this.entries.size };
  }
}
