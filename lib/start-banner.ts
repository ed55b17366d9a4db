import { DEMO_USERS } from '../domain/demo';
import { authModes, type AppConfig } from './config';

/**
 * What `npm start` prints once the stack is ready: where things are, and how to sign in in the
 * mode that runs (demo accounts only in dev mode; the identity provider in OIDC mode).
 */
export function startBanner(cfg: AppConfig, opts: { temporalAddress?: string; ownTemporal: boolean }): string[] {
  const modes = authModes(cfg);
  const signIn = [
    ...(modes.includes('dev')
      ? [
          '  Sign-in (AUTH_MODE=dev, local development only): pick a demo account on the web app, or POST /auth/dev-token {"email": ...}:',
          ...Object.values(DEMO_USERS).map((u) => `    ${u.role.padEnd(13)} ${u.email}`),
        ]
      : []),
    ...(modes.includes('oidc')
      ? [
          `  Sign-in (AUTH_MODE=oidc): your organisation account at ${cfg.OIDC_ISSUER}; API clients send its bearer tokens`,
        ]
      : []),
    ...(modes.includes('email')
      ? [
          '  Sign-in (AUTH_MODE=email): a single-use link by e-mail; scripts use personal API tokens created in the web app',
        ]
      : []),
  ];
  return [
    '',
    'Russia-UNDP Partnership workflow engine is ready',
    `  Web app and API   http://localhost:${cfg.PORT}   (API docs: /docs, readiness: /health/ready)`,
    opts.ownTemporal
      ? `  Temporal Web UI   http://localhost:${cfg.TEMPORAL_UI_PORT}`
      : `  Temporal          ${opts.temporalAddress} (existing server)`,
    cfg.MAIL_CATCHER
      ? `  Mail inbox        http://localhost:${cfg.MAIL_CATCHER_UI_PORT}   (SMTP on 127.0.0.1:${cfg.SMTP_PORT})`
      : `  SMTP relay        ${cfg.SMTP_HOST}:${cfg.SMTP_PORT}`,
    ...signIn,
    'Press Ctrl-C to stop (the API first, then the worker drains, then the mail catcher and Temporal).',
    '',
  ];
}
