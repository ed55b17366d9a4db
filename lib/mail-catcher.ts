/**
 * A development / test mail server: accepts every message over plain SMTP on loopback, keeps
 * the last ones in memory and shows them on a tiny web inbox. Never for production traffic.
 *
 * Messages are deduplicated by Message-ID, like many receiving systems do: the outbox resends
 * a row with the same Message-ID when a worker died between "250 OK" and recording it, and the
 * catcher then shows one mail (and counts the duplicate).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { logger as rootLogger, type Logger } from './logger';

export interface CaughtMail {
  /** Sequence number, stable for the life of the catcher: /messages/:id. */
  id: number;
  messageId: string | null;
  from: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  receivedAt: string;
}

export interface MailCatcher {
  host: string;
  /** Actual ports (useful when 0 asked for a free one). */
  smtpPort: number;
  uiPort: number;
  /** Newest first. */
  messages(): CaughtMail[];
  /** Messages dropped because their Message-ID was already in the inbox. */
  duplicates(): number;
  clear(): void;
  stop(): Promise<void>;
}

export interface MailCatcherOptions {
  smtpPort: number;
  uiPort: number;
  host?: string;
  maxMessages?: number;
  log?: Pick<Logger, 'info' | 'warn' | 'debug'>;
}

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function addressText(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return '';
  return (Array.isArray(value) ? value : [value]).map((a) => a.text).join(', ');
}

function listen(server: http.Server | import('node:net').Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startMailCatcher(options: MailCatcherOptions): Promise<MailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const maxMessages = options.maxMessages ?? 500;
  const log = options.log ?? rootLogger.child({ component: 'mail-catcher' });

  let inbox: CaughtMail[] = []; // oldest first
  let nextId = 1;
  let duplicateCount = 0;

  function store(mail: Omit<CaughtMail, 'id'>): void {
    if (mail.messageId && inbox.some((m) => m.messageId === mail.messageId)) {
      duplicateCount++;
      log.info({ messageId: mail.messageId }, 'duplicate Message-ID dropped');
      return;
    }
    inbox.push({ id: nextId++, ...mail });
    if (inbox.length > maxMessages) inbox = inbox.slice(inbox.length - maxMessages);
    log.debug({ to: mail.to, subject: mail.subject }, 'mail caught');
  }

  const smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    size: MAX_MESSAGE_BYTES,
    closeTimeout: 1_000,
    // Accept any credentials: a configured SMTP_USER must not break local development.
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          if (stream.sizeExceeded) {
            callback(Object.assign(new Error('message exceeds the maximum size'), { responseCode: 552 }));
            return;
          }
          store({
            messageId: parsed.messageId ?? null,
            from: addressText(parsed.from) || (session.envelope.mailFrom ? session.envelope.mailFrom.address : ''),
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : null,
            receivedAt: new Date().toISOString(),
          });
          callback();
        })
        .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
    },
  });
  smtp.on('error', (err) => log.warn({ err }, 'mail catcher SMTP error'));

  const ui = http.createServer((req, res) => handleUi(req, res));

  function send(
    res: http.ServerResponse,
    status: number,
    type: string,
    body: string,
    extraHeaders: Record<string, string> = {},
  ): void {
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(body),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      ...extraHeaders,
    });
    res.end(body);
  }

  const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'";
  // Mail HTML is shown in a sandboxed frame: no scripts, no forms, no requests to anywhere.
  const MAIL_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";

  function page(title: string, body: string): string {
    return (
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
      '<style>body{font-family:Arial,Helvetica,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;width:100%}' +
      'td,th{text-align:left;padding:6px 10px;border-bottom:1px solid #eee}th{color:#555}pre{white-space:pre-wrap;background:#f6f6f6;padding:12px}' +
      'iframe{width:100%;height:600px;border:1px solid #ddd}</style></head>' +
      `<body>${body}</body></html>`
    );
  }

  function newestFirst(): CaughtMail[] {
    return [...inbox].reverse();
  }

  function handleUi(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', 'method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    const path = new URL(req.url ?? '/', 'http://catcher').pathname;

    if (path === '/api/messages') {
      send(
        res,
        200,
        'application/json; charset=utf-8',
        JSON.stringify({ messages: newestFirst(), duplicates: duplicateCount }),
      );
      return;
    }

    if (path === '/') {
      const rows = newestFirst()
        .map(
          (m) =>
            `<tr><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.to.join(', '))}</td>` +
            `<td><a href="/messages/${m.id}">${escapeHtml(m.subject || '(no subject)')}</a></td></tr>`,
        )
        .join('');
      const body =
        `<h1>Mail catcher</h1><p>${inbox.length} message(s), newest first; ${duplicateCount} duplicate(s) dropped. SMTP on ${escapeHtml(host)}:${smtpPort}.</p>` +
        (rows ? `<table><tr><th>Received</th><th>To</th><th>Subject</th></tr>${rows}</table>` : '<p>No mail yet.</p>');
      send(res, 200, 'text/html; charset=utf-8', page('Mail catcher', body), { 'Content-Security-Policy': PAGE_CSP });
      return;
    }

    const match = /^\/messages\/(\d+)(\/html)?$/.exec(path);
    const mail = match ? inbox.find((m) => m.id === Number(match[1])) : undefined;
    if (!match || !mail) {
      send(res, 404, 'text/plain; charset=utf-8', 'not found');
      return;
    }
    if (match[2]) {
      if (!mail.html) {
        send(res, 404, 'text/plain; charset=utf-8', 'this message has no HTML part');
        return;
      }
      send(res, 200, 'text/html; charset=utf-8', mail.html, { 'Content-Security-Policy': MAIL_CSP });
      return;
    }
    const fields: Array<[string, string]> = [
      ['From', mail.from],
      ['To', mail.to.join(', ')],
      ['Subject', mail.subject],
      ['Message-ID', mail.messageId ?? ''],
      ['Received', mail.receivedAt],
    ];
    const body =
      '<p><a href="/">&larr; Inbox</a></p>' +
      `<table>${fields.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>` +
      (mail.html ? `<h2>HTML</h2><iframe sandbox src="/messages/${mail.id}/html" title="message body"></iframe>` : '') +
      `<h2>Text</h2><pre>${escapeHtml(mail.text)}</pre>`;
    send(res, 200, 'text/html; charset=utf-8', page(mail.subject || 'Message', body), {
      'Content-Security-Policy': PAGE_CSP,
    });
  }

  const smtpPort = await listen(smtp.server, options.smtpPort, host);
  let uiPort: number;
  try {
    uiPort = await listen(ui, options.uiPort, host);
  } catch (err) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw err;
  }
  log.info({ smtp: `${host}:${smtpPort}`, ui: `http://${host}:${uiPort}/` }, 'mail catcher listening');

  return {
    host,
    smtpPort,
    uiPort,
    messages: newestFirst,
    duplicates: () => duplicateCount,
    clear() {
      inbox = [];
    },
    async stop() {
      await Promise.all([
        new Promise<void>((resolve) => smtp.close(() => resolve())),
        new Promise<void>((resolve) => {
          ui.close(() => resolve());
          ui.closeAllConnections();
        }),
      ]);
    },
  };
}
