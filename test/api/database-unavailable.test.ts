import type { Client } from '@temporalio/client';
import pg from 'pg';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../api/app';
import { DEMO_USERS } from '../../domain/demo';
import { loadConfig } from '../../lib/config';
import { isDatabaseUnavailableError } from '../../lib/db';
import { seedDatabase } from '../../prisma/seed';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { testAdminUrl } from '../helpers/test-postgres';

/**
 * A database that is out of reach or busy is the server's trouble, not the client's request:
 * the API answers 503 with Retry-After (it answered 500 "internal" when 50 proposals were
 * created at once on a loaded machine and the pool's wait for a connection ran out), and the
 * same request succeeds once the database answers again.
 */
let db: TestDatabase;
let admin: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase('db_unavailable');
  await seedDatabase(db.prisma);
  admin = new pg.Client({ connectionString: testAdminUrl() });
  await admin.connect();
});

afterAll(async () => {
  await admin?.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`).catch(() => undefined);
  await admin?.end();
  await db?.close();
});

test('no connection to the database: 503 with Retry-After, then the same request succeeds', async () => {
  const app = createApp({
    prisma: db.prisma,
    temporal: {} as Client,
    config: loadConfig({
      NODE_ENV: 'test',
      AUTH_MODE: 'dev',
      AUTH_DEV_SECRET: 'db-unavailable-secret-0123456789',
      RATE_LIMIT_PER_MINUTE: '100000',
    }),
    logger: pino({ level: 'silent' }),
    taskQueue: 'unused',
  });
  const token = (await request(app).post('/auth/dev-token').send({ email: DEMO_USERS.fundManager.email }).expect(200))
    .body.token as string;
  await request(app).get('/proposals').set('Authorization', `Bearer ${token}`).expect(200);

  // Nobody may connect, and the connections the app holds are ended by the server.
  await admin.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS false`);
  await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db.name]);
  for (let i = 0; i < 3; i++) {
    const res = await request(app).get('/proposals').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.body.error.code).toBe('unavailable');
  }

  await admin.query(`ALTER DATABASE "${db.name}" ALLOW_CONNECTIONS true`);
  await request(app).get('/proposals').set('Authorization', `Bearer ${token}`).expect(200);
});

test('what counts as the database being unavailable: pool wait, refused and dropped connections, lost races; not a bad value', () => {
  expect(isDatabaseUnavailableError(new Error('timeout exceeded when trying to connect'))).toBe(true);
  expect(
    isDatabaseUnavailableError({
      code: 'P2024',
      message: 'Timed out fetching a new connection from the connection pool',
    }),
  ).toBe(true);
  expect(isDatabaseUnavailableError({ message: 'wrapped', cause: { kind: 'TooManyConnections' } })).toBe(true);
  expect(
    isDatabaseUnavailableError({
      message: 'x',
      meta: { driverAdapterError: { cause: { kind: 'postgres', code: '57P01' } } },
    }),
  ).toBe(true);
  expect(
    isDatabaseUnavailableError({ code: 'P2002', message: 'Unique constraint failed on the fields: (`email`)' }),
  ).toBe(false);
  expect(
    isDatabaseUnavailableError({
      message: 'x',
      cause: { kind: 'postgres', code: '22P02', message: 'invalid input syntax' },
    }),
  ).toBe(false);
  expect(isDatabaseUnavailableError(new Error('something else'))).toBe(false);
});
