import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { AppConfig } from './config';

export type MailerConfig = Pick<
  AppConfig,
  'SMTP_HOST' | 'SMTP_PORT' | 'SMTP_SECURE' | 'SMTP_USER' | 'SMTP_PASSWORD' | 'SMTP_FROM'
>;

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Full Message-ID header value including the angle brackets, e.g. `<abc@rus-undp>`. */
  messageId: string;
}

export interface MailerOptions {
  /**
   * Test hook, off by default: runs after the server accepted a message (its 250 to the final
   * "."), before send() returns and so before the caller records the message as sent: a test
   * holds a worker here to kill it in that window (worker/main.ts: MAILER_TEST_HOLD_AFTER_ACCEPT).
   */
  afterAccept?: (mail: OutgoingMail) => Promise<void>;
}

export interface Mailer {
  /** Resolves once the SMTP server accepted the message; rejects with the nodemailer error otherwise. */
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

/** A dead or hung server must fail fast so the delivery activity can retry instead of hanging. */
const TIMEOUT_MS = 10_000;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * Runs the steps of one SMTP session; a connection error or an unexpected close fails the step
 * in progress (SMTPConnection reports those as events, and an 'error' without a listener would
 * take the process down).
 */
function session(connection: SMTPConnection) {
  let fail: (err: unknown) => void = () => undefined;
  const broken = new Promise<never>((_, reject) => (fail = reject));
  broken.catch(() => undefined);
  connection.on('error', (err) => fail(err));
  connection.on('end', () => fail(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' })));
  return <T>(step: (done: (err?: Error | null, value?: T) => void) => void): Promise<T> =>
    Promise.race([
      new Promise<T>((resolve, reject) => step((err, value) => (err ? reject(err) : resolve(value as T)))),
      broken,
    ]);
}

/**
 * SMTP over nodemailer's SMTPConnection, one connection per message (deliveries are few and
 * bursty). send() resolves only on the server's 250 to the message: the caller records the
 * message as sent after that, never before (a record made earlier loses the mail if the
 * process dies before the server accepted it).
 */
export function createMailer(cfg: MailerConfig, opts: MailerOptions = {}): Mailer {
  const auth = cfg.SMTP_USER ? { user: cfg.SMTP_USER, pass: cfg.SMTP_PASSWORD ?? '' } : undefined;
  const open = new Set<SMTPConnection>();
  return {
    async send(mail) {
      const composed = new MailComposer({
        from: cfg.SMTP_FROM,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        headers: { 'Auto-Submitted': 'auto-generated' },
        // Mail content is ours, but never let it make the worker read files or fetch URLs.
        disableFileAccess: true,
        disableUrlAccess: true,
      }).compile();
      const envelope = composed.getEnvelope();
      if (!envelope.to.length)
        throw Object.assign(new Error(`no valid recipient address in "${mail.to}"`), { code: 'EENVELOPE' });
      const raw = await composed.build();
      const connection = new SMTPConnection({
        host: cfg.SMTP_HOST,
        port: cfg.SMTP_PORT,
        secure: cfg.SMTP_SECURE,
        // Never hand a password to a remote relay in clear text: insist on STARTTLS then.
        requireTLS: Boolean(auth) && !cfg.SMTP_SECURE && !isLoopback(cfg.SMTP_HOST),
        connectionTimeout: TIMEOUT_MS,
        greetingTimeout: TIMEOUT_MS,
        socketTimeout: TIMEOUT_MS,
        dnsTimeout: TIMEOUT_MS,
        logger: false,
        debug: false,
      });
      open.add(connection);
      const step = session(connection);
      try {
        await step<void>((done) => connection.connect(() => done()));
        if (auth) await step<void>((done) => connection.login(auth, (err) => done(err)));
        await step<void>((done) =>
          connection.send({ from: envelope.from || cfg.SMTP_FROM, to: envelope.to }, raw, (err) => done(err)),
        );
        await opts.afterAccept?.(mail);
        connection.quit();
        return { messageId: mail.messageId };
      } catch (err) {
        connection.close();
        throw err;
      } finally {
        open.delete(connection);
      }
    },
    close() {
      for (const connection of open) connection.close();
      open.clear();
    },
  };
}

interface MailErrorFields {
  code?: unknown;
  responseCode?: unknown;
  permanent?: unknown;
  response?: unknown;
  message?: unknown;
}

function fieldsOf(err: unknown): MailErrorFields {
  return typeof err === 'object' && err !== null ? (err as MailErrorFields) : {};
}

/**
 * Problems of the connection or the configuration, not of this message: every other message
 * would fail the same way, and retrying later (after the server is back or the operator fixed
 * the settings) is right. Authentication failures belong here even though servers answer them
 * with 535: failing every notification for good because of a wrong password would lose them all.
 */
const CONNECTION_OR_CONFIG_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EREQUIRETLS',
  'EPROXY',
  'EAUTH',
  'ENOAUTH',
  'EOAUTH2',
  'ECONFIG',
]);

export function isConnectionMailError(err: unknown): boolean {
  const { code } = fieldsOf(err);
  return typeof code === 'string' && CONNECTION_OR_CONFIG_CODES.has(code);
}

/**
 * True when sending this message again would fail again: a 5xx SMTP reply (RFC 5321 permanent
 * negative completion, except 503 "bad sequence", which is about the session), or an envelope
 * nodemailer rejected locally (invalid recipient address). 4xx replies, timeouts, refused
 * connections and authentication problems are transient.
 */
export function isPermanentMailError(err: unknown): boolean {
  const { code, responseCode, permanent } = fieldsOf(err);
  if (isConnectionMailError(err)) return false;
  if (typeof responseCode === 'number') {
    if (typeof permanent === 'boolean') return permanent;
    return responseCode >= 500 && responseCode < 600 && responseCode !== 503;
  }
  return code === 'EENVELOPE';
}

/** A short, credential-free description for Outbox.lastError and logs. */
export function describeMailError(err: unknown): string {
  const { code, responseCode, response, message } = fieldsOf(err);
  const detail = (
    typeof response === 'string' && response ? response : typeof message === 'string' ? message : String(err)
  )
    .replace(/\s+/g, ' ')
    .trim();
  const parts: string[] = [];
  if (typeof code === 'string') parts.push(code);
  // SMTP responses usually start with their code already ("550 5.1.1 No such user").
  if (typeof responseCode === 'number' && !detail.startsWith(String(responseCode))) parts.push(String(responseCode));
  parts.push(detail);
  const described = parts.join(' ');
  return described.length > 500 ? `${described.slice(0, 499)}…` : described;
}
