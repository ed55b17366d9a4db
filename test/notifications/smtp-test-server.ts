import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import net from 'node:net';

export interface ReceivedMail {
  messageId: string | null;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
}

export interface TestSmtpServer {
  port: number;
  /** Every accepted message, duplicates included (unlike the mail catcher). */
  received: ReceivedMail[];
  stop(): Promise<void>;
}

/**
 * A real SMTP server on loopback for the delivery tests. `reject` maps a recipient address to
 * the reply code its RCPT TO gets (e.g. 550 permanent, 451 transient); `rejectData` is the reply
 * to every message once it has been received in full (its final ".").
 */
export async function startTestSmtpServer(
  options: { port?: number; reject?: Record<string, number>; rejectData?: number } = {},
): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 500,
    onRcptTo(address, _session, callback) {
      const code = options.reject?.[address.address];
      if (code) {
        callback(
          Object.assign(new Error(code >= 500 ? 'No such user here' : 'Mailbox busy, try again later'), {
            responseCode: code,
          }),
        );
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          if (options.rejectData) {
            callback(Object.assign(new Error('Message refused'), { responseCode: options.rejectData }));
            return;
          }
          received.push({
            messageId: mail.messageId ?? null,
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : null,
          });
          callback();
        })
        .catch(callback);
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
  });
  return {
    port,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port with nothing listening on it (for "SMTP server down"). */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
