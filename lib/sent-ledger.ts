import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Which outbox keys count as sent, recorded synchronously in a small SQLite file of its own next
 * to the read model (`<app.db>.sent`), at the last moment before the SMTP server can accept the
 * message: when all of it has been written and only the final "." remains (Mailer `beforeCommit`).
 *
 * Why: a worker killed after the server accepted a mail but before the Outbox row said 'sent'
 * used to send it again after the lease; under load several mails were in that window at once
 * (marking the row waits for the read model's write lock, which a read-model transaction holds
 * across several event-loop turns). Recorded before the ".", a crash from then on cannot send the
 * mail twice: a later attempt that finds the key marks the row sent instead. The record is taken
 * back when the server refuses the message or its answer never comes (then it is resent, as
 * before). What remains is a crash between this write and the "." leaving the process (a few
 * microseconds of the same synchronous step): that mail is not delivered.
 * This file has no other writer, so the record does not wait for any lock.
 */
export interface SentLedger {
  record(key: string, messageId: string): void;
  /** Takes a record back: the server refused the message after all, or the answer never came. */
  forget(key: string): void;
  /** The Message-ID the server accepted for `key`, if it did. */
  find(key: string): string | undefined;
  close(): void;
}

/** Entries older than this are dropped when a ledger is opened (a retry never comes that late). */
const KEEP_DAYS = 30;

export function openSentLedger(databaseFile: string): SentLedger {
  const file = `${databaseFile}.sent`;
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file, { timeout: 10_000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS "Sent" ("key" TEXT PRIMARY KEY, "messageId" TEXT NOT NULL, "at" TEXT NOT NULL)');
  db.prepare('DELETE FROM "Sent" WHERE "at" < ?').run(new Date(Date.now() - KEEP_DAYS * 86_400_000).toISOString());
  const insert = db.prepare('INSERT INTO "Sent" ("key", "messageId", "at") VALUES (?, ?, ?) ON CONFLICT ("key") DO NOTHING');
  const remove = db.prepare('DELETE FROM "Sent" WHERE "key" = ?');
  const select = db.prepare<[string], { messageId: string }>('SELECT "messageId" FROM "Sent" WHERE "key" = ?');
  return {
    record(key, messageId) {
      insert.run(key, messageId, new Date().toISOString());
    },
    forget(key) {
      remove.run(key);
    },
    find(key) {
      return select.get(key)?.messageId;
    },
    close() {
      db.close();
    },
  };
}
