import net from 'node:net';
import { z } from 'zod';
import { justInTimeRoles } from '../domain/joining';
import { ROLES } from '../domain/roles';
import { checkTemporalTlsFiles } from './temporal-connection';

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const days = z.coerce.number().positive();

export const AUTH_MODES = ['dev', 'oidc', 'email'] as const;

const oidcRoleRuleSchema = z
  .strictObject({
    match: z.enum(['email_domain', 'email', 'group']),
    value: z
      .string()
      .trim()
      .min(1)
      .transform((v) => v.toLowerCase()),
    role: z
      .enum(ROLES)
      .refine(
        (r) => justInTimeRoles().includes(r),
        'is not a role a first sign-in may create (see the registry, domain/joining.ts)',
      ),
    countryCode: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
  })
  .refine(
    (r) => (r.role === 'co_approver') === (r.countryCode !== undefined),
    'a co_approver rule names its countryCode (and only such a rule does)',
  );
export const oidcRoleMappingSchema = z.array(oidcRoleRuleSchema).max(200);
export type OidcRoleRule = z.infer<typeof oidcRoleRuleSchema>;
export type AuthMode = (typeof AUTH_MODES)[number];

/** Every environment variable the system reads; `.env.example` lists the same names. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_BASE_URL: z.url().optional(),
  /** Unset: the embedded PostgreSQL server under DATA_DIR/pg (lib/database.ts). */
  DATABASE_URL: z
    .string()
    .regex(
      /^postgres(ql)?:\/\//,
      'must be a PostgreSQL URL, e.g. postgresql://user:password@host:5432/rus_undp?sslmode=require',
    )
    .optional(),
  /** Every piece of local state: the embedded PostgreSQL cluster (pg/), the Temporal dev server's file, the dev secret. */
  DATA_DIR: z.string().min(1).default('./data'),
  EMBEDDED_PG_PORT: port.default(5433),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Default: DATA_DIR/temporal.db. */
  TEMPORAL_DB_FILE: z.string().min(1).optional(),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  /** Unset: TLS is on when any TEMPORAL_TLS_* or TEMPORAL_API_KEY is set. `false` with an API key: plaintext to a local proxy that adds TLS. */
  TEMPORAL_TLS: bool.optional(),
  /** Each a PEM file path or the PEM text itself. */
  TEMPORAL_TLS_CA: z.string().min(1).optional(),
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  /** The name the server certificate is checked against (and sent as SNI) instead of the host of TEMPORAL_ADDRESS. */
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** Temporal Cloud API key, sent as `authorization: Bearer …` on every call. */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TASK_QUEUE: z.string().min(1).default('rus-undp'),
  /** Workflow executions the worker keeps in memory (sticky cache), about 1 MB each (bench: worker-memory); others are replayed from history when next needed. 0 disables the cache. */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(100),
  /**
   * How much V8 lets the worker's heaps grow past what survived the last full collection, in percent
   * (V8's --heap-growing-percent). 0: V8's own factor, up to 300% on a machine with much memory, so
   * evicted workflows pile up as garbage (bench:worker-memory: peak 843–875 MB against 557–560 MB at 50,
   * with no measurable change in replays per second).
   */
  WORKER_HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(300).default(50),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Comma-separated sign-in modes: `dev` (local demo sign-in), `oidc` (staff through the
   * organisation's OpenID provider), `email` (a single-use link by e-mail). Normalised to the
   * list's order without duplicates; read it with authModes().
   */
  AUTH_MODE: z
    .string()
    .default('dev')
    .transform((v, ctx) => {
      const modes = [
        ...new Set(
          v
            .split(',')
            .map((m) => m.trim().toLowerCase())
            .filter(Boolean),
        ),
      ];
      const unknown = modes.filter((m) => !(AUTH_MODES as readonly string[]).includes(m));
      if (!modes.length || unknown.length) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a comma-separated list of ${AUTH_MODES.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
        });
        return z.NEVER;
      }
      return AUTH_MODES.filter((m) => modes.includes(m)).join(',');
    }),
  /** Sign-in links by e-mail: how long one is valid, and how many may be asked per address and per IP within the window. */
  EMAIL_LINK_TTL_MINUTES: z.coerce.number().int().min(1).max(60).default(15),
  EMAIL_LINK_LIMIT_PER_ADDRESS: z.coerce.number().int().positive().default(5),
  EMAIL_LINK_LIMIT_PER_IP: z.coerce.number().int().positive().default(20),
  EMAIL_LINK_LIMIT_WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
  /** Sessions (web app and session tokens): ended after this long without a request, and after this long in any case. */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(60),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().positive().default(12),
  /** Longest expiry a person may give a personal API token. */
  PERSONAL_TOKEN_MAX_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  AUTH_DEV_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  OIDC_ISSUER: z.url().optional(),
  OIDC_AUDIENCE: z.string().min(1).optional(),
  OIDC_JWKS_URL: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  /** Set for a confidential web client (PKCE is used either way). */
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** How a confidential client authenticates at the token endpoint (RFC 6749 2.3.1 / OIDC Core 9). */
  OIDC_TOKEN_AUTH_METHOD: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
  /**
   * Who gets an account at a first OIDC sign-in (JSON list, first match wins): rules
   * `{"match": "email_domain" | "email" | "group", "value": "...", "role": "...", "countryCode"?: "KG"}`.
   * Only staff roles (domain/joining.ts) may be mapped; a co_approver rule names its country.
   * Unset or [] : nobody is created just in time.
   */
  OIDC_ROLE_MAPPING: z
    .string()
    .default('[]')
    .transform((v, ctx) => {
      let json: unknown;
      try {
        json = JSON.parse(v);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON list of {match, value, role, countryCode?}' });
        return z.NEVER;
      }
      const parsed = oidcRoleMappingSchema.safeParse(json);
      if (!parsed.success) {
        ctx.addIssue({
          code: 'custom',
          message: parsed.error.issues.map((i) => `${i.path.join('.') || '(list)'}: ${i.message}`).join('; '),
        });
        return z.NEVER;
      }
      return parsed.data;
    }),
  /** The claim of the provider's tokens that lists the person's groups (for `group` rules). */
  OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
  /** Longest accepted lifetime of a signed bearer token: exp - iat (or exp - now without iat). */
  AUTH_MAX_TOKEN_LIFETIME_SECONDS: z.coerce.number().int().min(60).default(86_400),
  /** Upper bound of one Temporal call while a client waits (decisions, creations); below common proxy timeouts (30-60 s). */
  TEMPORAL_CALL_TIMEOUT_MS: z.coerce.number().int().min(500).max(25_000).default(15_000),
  /**
   * /health/ready counts a worker only if it polled the task queue this recently. A poll lasts up to
   * the server's long-poll interval (1 min on a stock server), so keep it above that; npm start runs
   * its dev server with 15 s long polls and uses 30.
   */
  READY_POLLER_MAX_AGE_SECONDS: z.coerce.number().int().min(5).max(600).default(70),
  /** Express `trust proxy`: which peers' X-Forwarded-For/-Proto are believed (req.ip, req.secure). */
  TRUST_PROXY: z.string().min(1).default('loopback'),
  /** Strict-Transport-Security (sent over https only) covers subdomains too. */
  HSTS_INCLUDE_SUBDOMAINS: bool.default(false),
  CORS_ORIGINS: z.string().default(''),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(120),
  /** How long a read result (pipeline, lists, the signed-in user) may be served again while the database is unchanged; 0 turns the read cache off. */
  READ_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /**
   * How long an answer cached by the tables it reads (the results dashboard and its drill-down) may be served
   * while none of them changed: it bounds only what such an answer derives from the calendar (months served).
   */
  READ_CACHE_TOPIC_TTL_MS: z.coerce.number().int().min(0).max(600_000).default(60_000),
  READ_CACHE_MAX_ENTRIES: z.coerce.number().int().min(0).default(2000),
  SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  SMTP_PORT: port.default(2525),
  SMTP_SECURE: bool.default(false),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  SMTP_FROM: z.string().min(3).default('Russia-UNDP Partnership <no-reply@rus-undp.local>'),
  MAIL_CATCHER: bool.default(true),
  MAIL_CATCHER_UI_PORT: port.default(3025),
  SLA_ENDORSEMENT_DAYS: days.default(10),
  SLA_DEFAULT_DAYS: days.default(7),
  SLA_REMINDER_BEFORE_DAYS: days.default(3),
  SLA_INVITATION_DAYS: days.default(5),
  SEED_DEMO_DATA: bool.default(true),
  /** npm start: once ready, put demo items of the newer programmes in flight (scripts/demo-drive.ts). Unset: on with SEED_DEMO_DATA, dev sign-in and NODE_ENV=development. */
  DEMO_DRIVER: bool.optional(),
  /** The API serves /metrics on this port (and only there) when set. */
  METRICS_PORT: port.optional(),
  /** Bearer token /metrics requires; without METRICS_PORT, /metrics is served on PORT only when this is set. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Address METRICS_PORT and WORKER_METRICS_PORT listen on. */
  METRICS_HOST: z
    .string()
    .refine((v) => net.isIP(v) !== 0, 'must be an IP address, e.g. 127.0.0.1 or 0.0.0.0')
    .default('127.0.0.1'),
  /** The worker's Temporal SDK metrics (Prometheus text at /metrics, no token) on this port when set. */
  WORKER_METRICS_PORT: port.optional(),
  /** Where document bytes live: `local` (DATA_DIR/documents, one machine) or `s3` (any S3-compatible store; needed with several API instances). */
  STORAGE: z.enum(['local', 's3']).default('local'),
  /** S3-compatible endpoint (unset: AWS). Checksums are sent only where required when it is not AWS. */
  S3_ENDPOINT: z.url().optional(),
  S3_BUCKET: z.string().min(3).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Path-style URLs (endpoint/bucket/key), which most S3-compatible servers need. */
  S3_FORCE_PATH_STYLE: bool.default(true),
  /** Largest single file, in megabytes. */
  DOCUMENT_MAX_FILE_MB: z.coerce.number().positive().max(5000).default(20),
  /** Largest total of the live documents of one proposal or request, in megabytes. */
  DOCUMENT_MAX_OBJECT_MB: z.coerce.number().positive().max(50_000).default(100),
  /** `clamd`: every file is scanned before anyone but its uploader may download it; `off`: files are marked "not scanned" (refused in production). */
  SCANNER: z.enum(['clamd', 'off']).default('clamd'),
  /** clamd's TCP address (host:port) or unix socket path. */
  CLAMD_ADDRESS: z.string().min(1).default('127.0.0.1:3310'),
  /** How long one scan may wait for clamd's answer. */
  CLAMD_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
  /** npm start: start clamd from the PATH when installed (test signature only unless CLAMD_DATABASE_DIR is set). */
  CLAMD_START: bool.default(true),
  /** Signature database clamd started by npm start uses (kept current with freshclam in production). Unset: the repository's test signature only. */
  CLAMD_DATABASE_DIR: z.string().min(1).optional(),
});

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment; a bad value names the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const cfg = parsed.data;
  const modes = authModes(cfg);
  if (modes.includes('oidc') && (!cfg.OIDC_ISSUER || !cfg.OIDC_AUDIENCE || !cfg.OIDC_JWKS_URL)) {
    throw new ConfigError(
      'Invalid configuration:\n  OIDC_ISSUER, OIDC_AUDIENCE, OIDC_JWKS_URL: required when AUTH_MODE includes oidc',
    );
  }
  if (modes.includes('dev') && productionLike(cfg)) {
    if (modes.length > 1)
      throw new ConfigError(
        `Invalid configuration:\n  AUTH_MODE: dev sign-in cannot be combined with ${modes.filter((m) => m !== 'dev').join(', ')} when ${productionLikeReason(cfg)}`,
      );
    throw new ConfigError(
      `Invalid configuration:\n  AUTH_MODE: dev tokens are not allowed when ${productionLikeReason(cfg)}`,
    );
  }
  if (cfg.NODE_ENV === 'production' && cfg.SCANNER === 'off') {
    throw new ConfigError(
      'Invalid configuration:\n  SCANNER: off (files not scanned for malware) is not allowed when NODE_ENV=production',
    );
  }
  if (cfg.STORAGE === 's3' && !cfg.S3_BUCKET)
    throw new ConfigError('Invalid configuration:\n  S3_BUCKET: required when STORAGE=s3');
  if (cfg.DOCUMENT_MAX_OBJECT_MB < cfg.DOCUMENT_MAX_FILE_MB)
    throw new ConfigError('Invalid configuration:\n  DOCUMENT_MAX_OBJECT_MB: must be at least DOCUMENT_MAX_FILE_MB');
  const tlsProblems = checkTemporalTlsFiles(cfg);
  if (tlsProblems.length)
    throw new ConfigError(`Invalid configuration:\n${tlsProblems.map((p) => `  ${p}`).join('\n')}`);
  return cfg;
}

/** The configured sign-in modes, in a fixed order. */
export function authModes(cfg: Pick<AppConfig, 'AUTH_MODE'>): AuthMode[] {
  return cfg.AUTH_MODE.split(',').filter((m): m is AuthMode => (AUTH_MODES as readonly string[]).includes(m));
}

export function hasAuthMode(cfg: Pick<AppConfig, 'AUTH_MODE'>, mode: AuthMode): boolean {
  return authModes(cfg).includes(mode);
}

/** A deployment people reach (production, or served over https): dev sign-in is refused there. */
function productionLike(cfg: AppConfig): boolean {
  return cfg.NODE_ENV === 'production' || (cfg.PUBLIC_BASE_URL ?? '').startsWith('https:');
}

function productionLikeReason(cfg: AppConfig): string {
  return cfg.NODE_ENV === 'production' ? 'NODE_ENV=production' : 'PUBLIC_BASE_URL is https (a deployment)';
}

export function publicBaseUrl(cfg: AppConfig): string {
  return cfg.PUBLIC_BASE_URL ?? `http://localhost:${cfg.PORT}`;
}
