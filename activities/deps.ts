import type { Clock } from '../lib/clock';
import type { PrismaClient } from '../lib/db';
import type { Logger } from '../lib/logger';
import type { DocumentServices } from '../lib/documents';
import type { Mailer } from '../lib/mailer';
import type { SlaDays } from '../domain/tasks';

/** What activities need from the outside; tests inject a real PostgreSQL database and a loopback SMTP mailer. */
export interface ActivityDeps {
  prisma: PrismaClient;
  mailer: Mailer;
  logger: Logger;
  /** Base URL that mails link to (the web UI / API). */
  baseUrl: string;
  /** Storage and scanner of documents (scans, generated agreements); without it those activities fail. */
  documents?: DocumentServices;
  /** Calendar time and arithmetic (lib/clock.ts); default: real time on `prisma`'s holidays. Tests compress it. */
  clock?: Clock;
  /** Due times of human steps (SLA_*_DAYS); default DEFAULT_SLA_DAYS. */
  sla?: SlaDays;
}
