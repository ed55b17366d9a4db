/**
 * Results of reads, keyed by the database version (lib/db.ts `databaseVersion`, PostgreSQL's
 * commit snapshot, the same for every API instance): a result is served again only while no
 * write has committed since it was computed, through any process or instance, and for at most `ttlMs` (figures derived from the clock, such as days in stage or
 * overdue by due date, move on without a write). Concurrent requests for the same key share one
 * computation. A dashboard refreshed by many people then costs one query set per change instead
 * of one per request (bench: reads at scale).
 *
 * An answer that depends only on the tables of a topic (the results dashboard: `results`) is cached
 * under the snapshot it was computed at and served again while no transaction that wrote those tables
 * has committed since (table ReadModelChange, written by triggers, lib/db.ts `topicChanges`): a session's
 * last use, a task or a mail elsewhere leaves it cached, on every instance alike; it lives `topicTtlMs`.
 */
export interface ReadCacheOptions {
  /** Current database version (one round trip); undefined means "unknown": nothing is cached. */
  version: () => Promise<string | undefined>;
  /**
   * The current snapshot, and whether a transaction that wrote `topic` committed after snapshot `since`
   * (one round trip); undefined: unknown, nothing is cached.
   */
  topicChanges?: (topic: string, since: string | undefined) => Promise<TopicCheck | undefined>;
  /** Deletes the change records of transactions older than the oldest snapshot still cached anywhere (`xmin`). */
  pruneTopicChanges?: (belowXid: string) => Promise<void>;
  ttlMs: number;
  /** How long an answer cached by topic lives (bounds what it derives from the calendar, e.g. months served). */
  topicTtlMs?: number;
  maxEntries: number;
  now?: () => number;
}

export interface TopicCheck {
  snapshot: string;
  changed: boolean;
}

/** How an answer is cached: by a topic's changes instead of any commit. */
export interface CacheOptions {
  topic?: string;
}

/** Change records are kept this much longer than the longest-lived answer (on any instance's clock). */
const PRUNE_MARGIN_MS = 60_000;

interface Entry<T> {
  /** The database version, or for a topic's answer the snapshot it was computed at. */
  version: string;
  topic?: string;
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
  async get<T>(key: string, compute: () => Promise<T>, options: CacheOptions = {}): Promise<T> {
    if (options.topic !== undefined && this.opts.topicChanges) return this.getByTopic(key, options.topic, compute);
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
    return this.store(key, version, now + this.opts.ttlMs, compute);
  }

  /**
   * Served again while no transaction writing the topic committed after the snapshot the answer was
   * computed at. The snapshot is taken before computing: the answer may include later commits (then the
   * next check finds them and computes again), never miss an earlier one.
   */
  private async getByTopic<T>(key: string, topic: string, compute: () => Promise<T>): Promise<T> {
    if (!this.enabled) return compute();
    const now = (this.opts.now ?? Date.now)();
    const found = this.entries.get(key);
    const live = found && found.topic === topic && found.expiresAt > now ? found : undefined;
    const check = await this.opts.topicChanges!(topic, live?.version);
    if (!check) return compute();
    this.remember(check.snapshot, now);
    if (live && !check.changed) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, live);
      return live.value as Promise<T>;
    }
    this.misses++;
    return this.store(key, check.snapshot, now + this.topicTtlMs, compute, topic);
  }

  private get topicTtlMs(): number {
    return this.opts.topicTtlMs ?? this.opts.ttlMs;
  }

  private store<T>(key: string, version: string, expiresAt: number, compute: () => Promise<T>, topic?: string) {
    const value = compute();
    const entry: Entry<unknown> = { version, expiresAt, value, topic };
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.opts.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    // Failures are not kept: the next request tries again.
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  /**
   * Snapshots seen (their xmin, at most one a minute): change records of transactions below the xmin of
   * a snapshot older than any answer still cached, here or on another instance, are deleted. The xmin of
   * later snapshots is never lower, so such transactions are visible in every cached snapshot.
   */
  private readonly seen: { at: number; xmin: string }[] = [];
  private pruning = false;

  private remember(snapshot: string, now: number): void {
    if (!this.opts.pruneTopicChanges) return;
    if (!this.seen.length || now - this.seen[this.seen.length - 1].at >= 60_000)
      this.seen.push({ at: now, xmin: snapshot.split(':')[0] });
    let old: { at: number; xmin: string } | undefined;
    while (this.seen.length > 1 && now - this.seen[0].at > this.topicTtlMs + PRUNE_MARGIN_MS) old = this.seen.shift();
    if (!old || this.pruning) return;
    this.pruning = true;
    this.opts
      .pruneTopicChanges(old.xmin)
      .catch(() => undefined)
      .finally(() => {
        this.pruning = false;
      });
  }

  stats(): ReadCacheStats {
    return { hits: this.hits, misses: this.misses, entries: this.entries.size };
  }
}
