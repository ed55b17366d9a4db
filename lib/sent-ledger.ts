import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Which outbox keys an SMTP server has accepted, recorded synchronously the moment it answers
 * "250", in a small SQLite file of its own next to the read model (`<app.db>.sent`).
 *
 * Why a separate file: marking the Outbox row 'sent' needs the read model's write lock, which a
 * read-model transaction may hold for a while (it spans several event-loop turns). A worker killed
 * during that wait used to resend the mail after the lease, and under load several mails were in
 * that window at once. This file has no other writer, so the record is durable (synchronous=FULL)
 * a few milliseconds after the server's answer, and a later attempt that finds the key here marks
 * the row sent instead of sending again. What remains is the time between the server's "250" and
 * this process handling it.
 */
export interface SentLedger {
  record(key: string, messageId: string): void;
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
  const select = db.prepare<[string], { messageId: string }>('SELECT "messageId" FROM "Sent" WHERE "key" = ?');
  return {
    record(key, messageId) {
      insert.run(key, messageId, new Date().toISOString());
    },
    find(key) {
      return select.get(key)?.messageId;
    },
    close() {
      db.close();
    },
  };
}
