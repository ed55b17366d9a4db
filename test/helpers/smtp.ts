import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { createMailer, type Mailer } from '../../lib/mailer';

export interface ReceivedMail {
  to: string;
  subject: string;
  messageId: string;
  text: string;
}

export interface TestSmtp {
  port: number;
  mails: ReceivedMail[];
  mailer: Mailer;
  stop(): Promise<void>;
}

/** A real SMTP server on loopback, in the test process, recording what it receives. */
export async function startTestSmtp(): Promise<TestSmtp> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          for (const rcpt of session.envelope.rcptTo) {
            mails.push({
              to: rcpt.address,
              subject: parsed.subject ?? '',
              messageId: parsed.messageId ?? '',
              text: parsed.text ?? '',
            });
          }
          callback();
        })
        .catch(callback);
    },
  });
  // A client killed mid-session (the tests kill workers) resets its connection: not the server's failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const mailer = createMailer({
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: port,
    SMTP_SECURE: false,
    SMTP_FROM: 'Russia-UNDP Partnership <no-reply@rus-undp.test>',
  });
  return {
    port,
    mails,
    mailer,
    async stop() {
      mailer.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
