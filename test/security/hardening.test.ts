import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Client } from '@temporalio/client';
import type { Application } from 'express';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../api/app';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../api/auth';
import { DEMO_USERS } from '../../domain/demo';
import { loadConfig } from '../../lib/config';
import { seedDatabase } from '../../prisma/seed';
import { proposalPayload } from '../fixtures/payloads';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * What an attacker or a scanner meets before any workflow runs: request bodies, bearer tokens,
 * methods, caching and transport headers, the document of the running auth mode. No Temporal
 * call is made on these paths, so the app runs without a server.
 */
const DEV_SECRET = 'hardening-test-secret-0123456789';
let db: TestDatabase;
let jwksServer: http.Server;
let jwksUrl: string;
let idpKey: KeyLike;
const ISSUER = 'https://idp.example.org/';

const appWith = (overrides: Record<string, string> = {}): Application =>
  createApp({
    prisma: db.prisma,
    temporal: {} as Client,
    config: loadConfig({
      NODE_ENV: 'test',
      AUTH_MODE: 'dev',
      AUTH_DEV_SECRET: DEV_SECRET,
      RATE_LIMIT_PER_MINUTE: '100000',
      ...overrides,
    }),
    logger: pino({ level: 'silent' }),
    taskQueue: 'unused',
  });
const oidcApp = (overrides: Record<string, string> = {}) =>
  appWith({ AUTH_MODE: 'oidc', OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: 'rus-undp', OIDC_JWKS_URL: jwksUrl, ...overrides });

beforeAll(async () => {
  db = await createTestDatabase('hardening');
  await seedDatabase(db.prisma);
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  idpKey = privateKey;
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwksServer = http.createServer((_req, res) =>
    res.setHeader('Content-Type', 'application/json').end(JSON.stringify({ keys: [jwk] })),
  );
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (jwksServer ? jwksServer.close(() => resolve()) : resolve()));
  await db?.close();
});

const now = () => Math.floor(Date.now() / 1000);

test('a body that is not the gzip or deflate its Content-Encoding claims is 400, before and after authentication; an unknown encoding is 415', async () => {
  const app = appWith();
  const body = JSON.stringify({ email: DEMO_USERS.fundManager.email });
  for (const encoding of ['gzip', 'deflate', 'GZIP']) {
    const res = await request(app)
      .post('/auth/dev-token')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', encoding)
      .send(body);
    expect({ encoding, status: res.status, code: res.body.error?.code }).toEqual({
      encoding,
      status: 400,
      code: 'invalid_content_encoding',
    });
    expect(Object.keys(res.body)).toEqual(['error']);
  }
  const token = (await request(app).post('/auth/dev-token').send({ email: DEMO_USERS.applicant.email })).body
    .token as string;
  const create = await request(app)
    .post('/proposals')
    .set('Authorization', `Bearer ${token}`)
    .set('Content-Type', 'application/json')
    .set('Content-Encoding', 'gzip')
    .send(JSON.stringify(proposalPayload()));
  expect(create.status).toBe(400);
  expect(create.body.error.code).toBe('invalid_content_encoding');
  const br = await request(app)
    .post('/auth/dev-token')
    .set('Content-Type', 'application/json')
    .set('Content-Encoding', 'br')
    .send(body);
  expect(br.status).toBe(415);
  expect(br.body.error.code).toBe('unsupported_content_encoding');
  // A body that really is gzip is read.
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const real = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/dev-token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: gzipSync(body),
    });
    expect(real.status).toBe(200);
  } finally {
    server.close();
  }
  // The web app's form parser too (a JSON error, not a 500).
  const form = await request(app)
    .post('/app/sign-in')
    .set('Content-Type', 'application/x-www-form-urlencoded')
    .set('Content-Encoding', 'deflate')
    .send('email=x');
  expect(form.status).toBe(400);
});

describe('signed bearer tokens must expire, live at most AUTH_MAX_TOKEN_LIFETIME_SECONDS and not come from the future', () => {
  type Claims = { iat?: number; exp?: number };
  const me = (app: Application, token: string) => request(app).get('/me').set('Authorization', `Bearer ${token}`);
  const cases: [string, Claims, number][] = [
    ['one hour', { iat: now(), exp: now() + 3600 }, 200],
    ['no iat, expires in an hour', { exp: now() + 3600 }, 200],
    ['iat a little ahead (clock skew)', { iat: now() + 10, exp: now() + 3600 }, 200],
    ['no exp', { iat: now() }, 401],
    ['lives 48 hours', { iat: now(), exp: now() + 48 * 3600 }, 401],
    ['no iat, expires in 48 hours', { exp: now() + 48 * 3600 }, 401],
    ['issued 10 minutes in the future', { iat: now() + 600, exp: now() + 3600 }, 401],
  ];

  test('dev mode', async () => {
    const app = appWith();
    const secret = new TextEncoder().encode(DEV_SECRET);
    for (const [name, claims, status] of cases) {
      const token = await new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(DEMO_USERS.applicant.id)
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .sign(secret);
      const res = await me(app, token);
      expect({ name, status: res.status }).toEqual({ name, status });
    }
    // The limit is a setting; dev tokens never outlive it.
    const short = appWith({ AUTH_MAX_TOKEN_LIFETIME_SECONDS: '1800' });
    const issued = await request(short).post('/auth/dev-token').send({ email: DEMO_USERS.applicant.email });
    expect(issued.body.expiresIn).toBe(1800);
    expect((await me(short, issued.body.token)).status).toBe(200);
    const twoHours = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(DEMO_USERS.applicant.id)
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(secret);
    expect((await me(short, twoHours)).status).toBe(401);
  });

  test('OIDC mode', async () => {
    const app = oidcApp();
    for (const [name, claims, status] of cases) {
      const token = await new SignJWT({ email: DEMO_USERS.coTj.email, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(ISSUER)
        .setAudience('rus-undp')
        .sign(idpKey);
      const res = await me(app, token);
      expect({ name, status: res.status }).toEqual({ name, status });
      if (status === 401) expect(res.body.error.code).toBe('unauthorized');
    }
  });
});

test('in OIDC mode the document and the routes know no dev sign-in; in dev mode they do', async () => {
  const oidcDoc = await request(oidcApp()).get('/openapi.json');
  expect(oidcDoc.status).toBe(200);
  expect(Object.keys(oidcDoc.body.paths)).not.toContain('/auth/dev-token');
  expect((await request(oidcApp()).post('/auth/dev-token').send({ email: DEMO_USERS.admin.email })).status).toBe(404);
  const devDoc = await request(appWith()).get('/openapi.json');
  expect(Object.keys(devDoc.body.paths)).toContain('/auth/dev-token');
});

test('another method on an existing path is 405 with Allow; unknown paths stay 404', async () => {
  const app = appWith();
  const cases: [string, string, string][] = [
    ['trace', '/proposals', 'GET, HEAD, POST, OPTIONS'],
    ['delete', '/proposals', 'GET, HEAD, POST, OPTIONS'],
    ['put', '/proposals/p-1', 'GET, HEAD, OPTIONS'],
    ['delete', '/tasks/t-1/decision', 'POST, OPTIONS'],
    ['patch', '/health', 'GET, HEAD, OPTIONS'],
    ['delete', '/me', 'GET, HEAD, PATCH, OPTIONS'],
  ];
  for (const [method, path, allow] of cases) {
    const res = await (request(app) as unknown as Record<string, (url: string) => request.Test>)[method](path);
    expect({
      method,
      path,
      status: res.status,
      allow: res.headers.allow,
      code: method === 'trace' ? 'method_not_allowed' : res.body.error?.code,
    }).toEqual({ method, path, status: 405, allow, code: 'method_not_allowed' });
  }
  const options = await request(app).options('/proposals');
  expect(options.status).toBe(204);
  expect(options.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
  expect((await request(app).delete('/nowhere')).status).toBe(404);
  expect((await request(app).get('/proposals')).status).toBe(401);
});

test('answers of authenticated routes carry Cache-Control: no-store, refusals included', async () => {
  const app = appWith();
  const token = (await request(app).post('/auth/dev-token').send({ email: DEMO_USERS.fundManager.email })).body
    .token as string;
  for (const path of ['/me', '/proposals', '/tasks', '/pipeline']) {
    const res = await request(app).get(path).set('Authorization', `Bearer ${token}`);
    expect({ path, status: res.status, cache: res.headers['cache-control'] }).toEqual({
      path,
      status: 200,
      cache: 'no-store',
    });
  }
  expect((await request(app).get('/me')).headers['cache-control']).toBe('no-store');
  expect((await request(app).get('/me').set('Authorization', 'Bearer nonsense')).headers['cache-control']).toBe(
    'no-store',
  );
});

test('Strict-Transport-Security only over https (as the trusted proxy says), includeSubDomains only when configured', async () => {
  const plain = await request(appWith()).get('/health/live');
  expect(plain.status).toBe(200);
  expect(plain.headers['strict-transport-security']).toBeUndefined();
  expect((await request(appWith()).get('/app/sign-in')).headers['strict-transport-security']).toBeUndefined();
  // supertest connects over loopback, which the default TRUST_PROXY believes.
  const proxied = await request(appWith()).get('/health/live').set('X-Forwarded-Proto', 'https');
  expect(proxied.headers['strict-transport-security']).toBe('max-age=31536000');
  const page = await request(appWith()).get('/app/sign-in').set('X-Forwarded-Proto', 'https');
  expect(page.headers['strict-transport-security']).toBe('max-age=31536000');
  const sub = await request(appWith({ HSTS_INCLUDE_SUBDOMAINS: 'true' }))
    .get('/health/live')
    .set('X-Forwarded-Proto', 'https');
  expect(sub.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  const untrusted = await request(appWith({ TRUST_PROXY: 'false' }))
    .get('/health/live')
    .set('X-Forwarded-Proto', 'https');
  expect(untrusted.headers['strict-transport-security']).toBeUndefined();
});

test('a body nested deeper than 32 levels is 400 before anything recursive reads it (the fuzzer found a 500 on a keyed decision)', async () => {
  const app = appWith();
  const token = (await request(app).post('/auth/dev-token').send({ email: DEMO_USERS.coKg.email })).body
    .token as string;
  for (const depth of [100, 1000, 3000]) {
    const deep = JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;
    for (const key of [undefined, `deep-${depth}`]) {
      const req = request(app).post('/tasks/t-1/decision').set('Authorization', `Bearer ${token}`);
      if (key) req.set('Idempotency-Key', key);
      const res = await req.send({ decision: 'endorse', data: { x: deep } });
      expect({ depth, key, status: res.status, code: res.body.error?.code }).toEqual({
        depth,
        key,
        status: 400,
        code: 'validation_failed',
      });
      expect(res.body.error.details[0]).toEqual({
        path: expect.stringMatching(/^data\.x\.0\.0/),
        message: 'is nested more than 32 levels deep',
      });
    }
  }
  // 30 levels is still a body like any other (refused here for its content, not its depth).
  const shallow = await request(app)
    .post('/tasks/t-1/decision')
    .set('Authorization', `Bearer ${token}`)
    .send({ decision: 'endorse', data: { x: JSON.parse(`${'['.repeat(28)}${']'.repeat(28)}`) } });
  expect(shallow.body.error?.details?.[0]?.message ?? '').not.toMatch(/nested/);
});
