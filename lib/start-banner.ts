import { DEMO_USERS } from '../domain/demo';
import { authModes, type AppConfig } from './config';

/**
 * What `npm start` prints once the stack is ready: where things are, and how to sign in in the
 * mode that runs (demo accounts only in dev mode; the identity provider in OIDC mode).
 */
/** The malware scanner as npm start found it. */
export type ScannerStatus =
  | { state: 'off' }
  | { state: 'running'; address: string; testSignatureOnly: boolean }
  | { state: 'external' | 'failed'; address: string }
  | { state: 'missing' };

export function scannerLines(scanner: ScannerStatus): string[] {
  switch (scanner.state) {
    case 'off':
      return ['  Malware scanner   OFF (SCANNER=off): uploads are marked "not scanned" for everyone to see'];
    case 'running':
      return [
        `  Malware scanner   clamd on ${scanner.address}`,
        ...(scanner.testSignatureOnly
          ? [
              '                    with the test signature only: it detects nothing real (set CLAMD_DATABASE_DIR to a freshclam database)',
            ]
          : []),
      ];
    case 'external':
      return [`  Malware scanner   clamd at ${scanner.address}`];
    case 'failed':
      return [
        `  Malware scanner   NOT RUNNING (clamd did not start): uploads stay "awaiting malware scan" until a clamd answers on ${scanner.address}`,
      ];
    case 'missing':
      return [
        '  Malware scanner   NOT INSTALLED: uploads stay "awaiting malware scan" and only their uploader may download them.',
        '                    Install it with `apt-get install clamav-daemon` (Debian/Ubuntu) or `brew install clamav` (macOS), then restart; or set SCANNER=off to mark uploads "not scanned".',
      ];
  }
}

export function startBanner(
  cfg: AppConfig,
  opts: { temporalAddress?: string; ownTemporal: boolean; scanner?: ScannerStatus },
): string[] {
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
    ...(opts.scanner ? scannerLines(opts.scanner) : []),
    ...signIn,
    'Press Ctrl-C to stop (the API first, then the worker drains, then the mail catcher and Temporal).',
    '',
  ];
}
