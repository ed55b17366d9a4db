import type { PrismaClient } from '../lib/db';
import type { Logger } from '../lib/logger';
import type { DocumentServices } from '../lib/documents';
import type { Mailer } from '../lib/mailer';

/** What activities need from the outside; tests inject a real PostgreSQL database and a loopback SMTP mailer. */
export interface ActivityDeps {
  prisma: PrismaClient;
  mailer: Mailer;
  logger: Logger;
  /** Base URL that mails link to (the web UI / API). */
  baseUrl: string;
  /** Storage and scanner of documents (scans, generated agreements); without it those activities fail. */
  documents?: DocumentServices;
}
