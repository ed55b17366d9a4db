import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../../api/app';
import { DEMO_USERS } from '../../domain/demo';
import { loadConfig } from '../../lib/config';
import { freePort } from '../../lib/stack';
import { seedDatabase } from '../../prisma/seed';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { CHROMIUM } from './harness';

/**
 * Sign-in through a real OpenID provider (oidc-provider, in a child process) in Chromium, with
 * the authorization code flow and PKCE, as a public client and as a confidential client
 * (client_secret_basic and client_secret_post). A proxy in front of the provider records the
 * token requests and can re-sign the ID token with another nonce or audience: the web app must
 * refuse it (OpenID Connect Core 3.1.3.7).
 */
type Mode = 'pass' | 'wrong-nonce' | 'wrong-aud';
const CLIENTS = {
  public: { client_id: 'web-public', token_endpoint_auth_method: 'none' },
  basic: {
    client_id: 'web-basic',
    client_secret: 'basic-secret-0123456789abcdef0123456789',
    token_endpoint_auth_method: 'client_secret_basic',
  },
  post: {
    client_id: 'web-post',
    client_secret: 'post-secret-0123456789abcdef0123456789',
    token_endpoint_auth_method: 'client_secret_post',
  },
} as const;
type Kind = keyof typeof CLIENTS;

/** Just-in-time accounts: staff of one domain become fund managers, members of a group CO approvers for Kyrgyzstan. */
const ROLE_MAPPING = [
  { match: 'email_domain', value: 'fm-office.example.org', role: 'fund_manager' },
  { match: 'group', value: 'rcf-co-kg', role: 'co_approver', countryCode: 'KG' },
];
const GROUPS: Record<string, string[]> = {
  'new.officer@co-kg.example.org': ['staff', 'RCF-CO-KG'],
  'stranger@elsewhere.example.org': ['staff'],
};

let db: TestDatabase;
let provider: ChildProcess;
let proxy: Server;
let browser: Browser;
let issuer: string;
let signingKey: KeyLike;
let mode: Mode = 'pass';
const tokenRequests: { client: string | undefined; authorization: string | undefined; body: Record<string, string> }[] =
  [];
const apps = new Map<Kind, { server: Server; base: string }>();

async function reSign(idToken: string): Promise<string> {
  const claims = decodeJwt(idToken);
  if (mode === 'wrong-nonce') claims.nonce = 'a-nonce-of-another-sign-in';
  if (mode === 'wrong-aud') claims.aud = 'another-client';
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(signingKey);
}

beforeAll(async () => {
  db = await createTestDatabase('web-oidc-provider');
  await seedDatabase(db.prisma);
  const { publicKey: _pub, privateKey } = await generateKeyPair('RS256', { extractable: true });
  signingKey = privateKey;
  const jwk = { ...(await exportJWK(privateKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const [providerPort, proxyPort] = [await freePort(), await freePort()];
  const appPorts = { public: await freePort(), basic: await freePort(), post: await freePort() };
  issuer = `http://127.0.0.1:${proxyPort}`;
  const clients = (Object.keys(CLIENTS) as Kind[]).map((k) => ({
    ...CLIENTS[k],
    redirect_uris: [`http://127.0.0.1:${appPorts[k]}/app/oidc/callback`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }));
  provider = spawn(process.execPath, [path.join(__dirname, 'oidc-provider-server.mjs')], {
    env: {
      ...process.env,
      OIDC_TEST_CONFIG: JSON.stringify({ port: providerPort, issuer, clients, jwk, groups: GROUPS }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let providerLog = '';
  provider.stderr!.on('data', (c: Buffer) => (providerLog += c.toString()));
  await new Promise<void>((resolve, reject) => {
    provider.stdout!.on('data', (c: Buffer) => c.toString().includes('ready') && resolve());
    provider.once('exit', (code) => reject(new Error(`oidc-provider exited (${code}): ${providerLog}`)));
  });

  // The issuer's address is this proxy: everything reaches the provider through it, the Host kept.
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const isToken = req.method === 'POST' && req.url?.startsWith('/token');
      if (isToken) {
        const params = Object.fromEntries(new URLSearchParams(body.toString()));
        tokenRequests.push({ client: params.client_id, authorization: req.headers.authorization, body: params });
      }
      const upstream = http.request(
        { host: '127.0.0.1', port: providerPort, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          const parts: Buffer[] = [];
          up.on('data', (c: Buffer) => parts.push(c));
          up.on('end', () => {
            void (async () => {
              let out = Buffer.concat(parts);
              const headers = { ...up.headers };
              if (isToken && up.statusCode === 200 && mode !== 'pass') {
                const tokens = JSON.parse(out.toString()) as { id_token: string };
                tokens.id_token = await reSign(tokens.id_token);
                out = Buffer.from(JSON.stringify(tokens));
              }
              delete headers['content-length'];
              delete headers['transfer-encoding'];
              res.writeHead(up.statusCode ?? 502, headers).end(out);
            })();
          });
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(proxyPort, '127.0.0.1', resolve));

  for (const kind of Object.keys(CLIENTS) as Kind[]) {
    const client = CLIENTS[kind];
    const config = loadConfig({
      NODE_ENV: 'test',
      AUTH_MODE: 'oidc',
      OIDC_ISSUER: issuer,
      OIDC_AUDIENCE: client.client_id,
      OIDC_JWKS_URL: `${issuer}/jwks`,
      OIDC_CLIENT_ID: client.client_id,
      ...('client_secret' in client
        ? { OIDC_CLIENT_SECRET: client.client_secret, OIDC_TOKEN_AUTH_METHOD: client.token_endpoint_auth_method }
        : {}),
      RATE_LIMIT_PER_MINUTE: '10000',
      OIDC_ROLE_MAPPING: JSON.stringify(ROLE_MAPPING),
    });
    // Sign-in and the pipeline page make no workflow call: no Temporal server needed.
    const app = createApp({
      prisma: db.prisma,
      temporal: {} as Client,
      config,
      logger: pino({ level: 'silent' }),
      taskQueue: 'unused',
    });
    const server = app.listen(appPorts[kind], '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    apps.set(kind, { server, base: `http://127.0.0.1:${appPorts[kind]}` });
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  for (const { server } of apps.values()) await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  provider?.kill('SIGTERM');
  await db?.close();
});

/** The whole flow in a fresh browser: the app sends the user to the provider, who signs in and consents. */
async function signIn(kind: Kind, email: string): Promise<{ page: Page; callbackStatus: number | undefined }> {
  const { base } = apps.get(kind)!;
  const context = await browser.newContext({ baseURL: base });
  context.setDefaultTimeout(15_000);
  await context.route(/fonts\.googleapis\.com/, (route) => route.abort());
  const page = await context.newPage();
  let callbackStatus: number | undefined;
  page.on('response', (r) => {
    if (r.url().includes('/app/oidc/callback')) callbackStatus = r.status();
  });
  await page.goto('/app/pipeline');
  await page.getByRole('link', { name: 'Sign in with your organisation account' }).click();
  await page.waitForURL((u) => u.origin === issuer);
  await page.locator('input[name="login"]').fill(email);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
  await page.locator('button[type="submit"]', { hasText: 'Continue' }).click();
  await page.waitForURL((u) => u.origin === base && u.pathname !== '/app/sign-in');
  await page.waitForLoadState();
  return { page, callbackStatus };
}

test.each(['public', 'basic', 'post'] as Kind[])(
  '%s client: authorization code + PKCE through oidc-provider signs the user in',
  async (kind) => {
    mode = 'pass';
    const before = tokenRequests.length;
    const { page } = await signIn(kind, DEMO_USERS.coTj.email);
    expect(new URL(page.url()).pathname).toBe('/app/pipeline');
    expect(await page.locator('h1').innerText()).toBe('Pipeline: Tajikistan');
    const sent = tokenRequests.slice(before);
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request.body).toMatchObject({
      grant_type: 'authorization_code',
      code_verifier: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const client = CLIENTS[kind];
    if (kind === 'basic') {
      expect(request.authorization).toBe(
        `Basic ${Buffer.from(`${client.client_id}:${(client as { client_secret: string }).client_secret}`).toString('base64')}`,
      );
      expect(request.body.client_secret).toBeUndefined();
    } else if (kind === 'post') {
      expect(request.authorization).toBeUndefined();
      expect(request.body).toMatchObject({
        client_id: client.client_id,
        client_secret: (client as { client_secret: string }).client_secret,
      });
    } else {
      expect(request.authorization).toBeUndefined();
      expect(request.body.client_id).toBe(client.client_id);
      expect(request.body.client_secret).toBeUndefined();
    }
    // A replayed or forged callback is refused (state is single-use and bound to this browser), and leaves the session as it was.
    const forged = await page.goto('/app/oidc/callback?code=whatever&state=forged');
    expect(forged?.status()).toBe(401);
    await page.goto('/app/pipeline');
    expect(new URL(page.url()).pathname).toBe('/app/pipeline');
    await page.context().close();
  },
);

test.each(['wrong-nonce', 'wrong-aud'] as Mode[])(
  'an ID token re-signed with %s is refused, and no session is opened',
  async (tampered) => {
    mode = tampered;
    try {
      const sessions = await db.prisma.webSession.count();
      const { page, callbackStatus } = await signIn('public', DEMO_USERS.coKg.email);
      expect(callbackStatus).toBe(401);
      expect(new URL(page.url()).pathname).toBe('/app/oidc/callback');
      expect(await db.prisma.webSession.count()).toBe(sessions);
      await page.goto('/app/pipeline');
      expect(new URL(page.url()).pathname).toBe('/app/sign-in');
      await page.context().close();
    } finally {
      mode = 'pass';
    }
  },
);

test('first OIDC sign-in: a mapped e-mail domain or group creates the account with its role; an unmapped one gets the ask-an-administrator page', async () => {
  mode = 'pass';
  const byDomain = await signIn('public', 'new.manager@fm-office.example.org');
  expect(new URL(byDomain.page.url()).pathname).toBe('/app/pipeline');
  expect(await byDomain.page.locator('h1').innerText()).toBe('Pipeline');
  await byDomain.page.context().close();
  const manager = await db.prisma.user.findUniqueOrThrow({ where: { email: 'new.manager@fm-office.example.org' } });
  expect(manager).toMatchObject({ role: 'fund_manager', countryCode: null, active: true });
  expect(
    await db.prisma.auditEvent.findFirst({ where: { subjectId: manager.id, action: 'account_created' } }),
  ).toMatchObject({ actorId: null, data: expect.objectContaining({ via: 'oidc_just_in_time', role: 'fund_manager' }) });

  const byGroup = await signIn('basic', 'new.officer@co-kg.example.org');
  expect(await byGroup.page.locator('h1').innerText()).toBe('Pipeline: Kyrgyzstan');
  await byGroup.page.context().close();
  expect(await db.prisma.user.findUniqueOrThrow({ where: { email: 'new.officer@co-kg.example.org' } })).toMatchObject({
    role: 'co_approver',
    countryCode: 'KG',
  });

  const users = await db.prisma.user.count();
  const sessions = await db.prisma.webSession.count();
  const stranger = await signIn('public', 'stranger@elsewhere.example.org');
  expect(stranger.callbackStatus).toBe(403);
  expect(await stranger.page.locator('h1').innerText()).toBe('Ask an administrator for access');
  // Bilingual: the Russian text is on the page too, marked as Russian.
  expect(await stranger.page.locator('section[lang="ru"] h2').innerText()).toBe('Запросите доступ у администратора');
  expect(await db.prisma.user.count()).toBe(users);
  expect(await db.prisma.webSession.count()).toBe(sessions);
  await stranger.page.context().close();
});
