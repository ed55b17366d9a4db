import type { PrismaClient } from '../lib/db';
import type { Logger } from '../lib/logger';
import type { Mailer } from '../lib/mailer';

/** What activities need from the outside; tests inject a real PostgreSQL database and a loopback SMTP mailer. */
export interface ActivityDeps {
  prisma: PrismaClient;
  mailer: Mailer;
  logger: Logger;
  /** Base URL that mails link to (the web UI / API). */
  baseUrl: string;
}
