import pino from 'pino';

/** One JSON line per event. Bindings such as workflowId/requestId go in child loggers. */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
  base: { service: process.env.SERVICE_NAME ?? 'rus-undp' },
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: {
    paths: [
      'authorization',
      'headers.authorization',
      'req.headers.authorization',
      '*.password',
      '*.token',
      'token',
      'password',
      'SMTP_PASSWORD',
      'AUTH_DEV_SECRET',
      'S3_SECRET_ACCESS_KEY',
    ],
    censor: '[redacted]',
  },
});

export type Logger = pino.Logger;
