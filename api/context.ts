import type { Client } from '@temporalio/client';
import type { Request, RequestHandler } from 'express';
import type { Clock } from '../lib/clock';
import type { AppConfig } from '../lib/config';
import type { DocumentServices } from '../lib/documents';
import type { PrismaClient } from '../lib/db';
import type { Logger } from '../lib/logger';
import type { SlaSettings } from '../domain/tasks';
import type { Authenticator } from './auth';
import type { ReadCache } from './read-cache';

/** What every route module gets. */
export interface ApiContext {
  prisma: PrismaClient;
  temporal: Client;
  config: AppConfig;
  logger: Logger;
  taskQueue: string;
  auth: Authenticator;
  /** Read results keyed by the database version (GET routes declared `cached`). */
  readCache: ReadCache;
  /** Upper bound for one Temporal call made while a client waits (Updates included). */
  temporalTimeoutMs: number;
  /** Document storage, scanner settings and limits. */
  documents: DocumentServices;
  /** The one Clock: today and figures derived from the calendar (the worker's activities use the same). */
  clock: Clock;
  /**
   * The project's rate limit (429 with Retry-After) for one route: `limit` requests per window and
   * key (default: the client's IP). Used through this interface only, whatever store backs it.
   */
  rateLimiter(limit: number, windowMs: number, key?: (req: Request) => string): RequestHandler;
}

/** Runs Temporal client calls with a deadline, so a stuck server or worker becomes a 503, not a hung request. */
export function withTemporalDeadline<T>(ctx: ApiContext, fn: () => Promise<T>, ms = ctx.temporalTimeoutMs): Promise<T> {
  return ctx.temporal.connection.withDeadline(Date.now() + ms, fn);
}
