import { PROGRAMME_LIST, TASK_MAIL_PURPOSE } from '../../domain/registry';
import { TASK_KINDS, decisionData, type TaskKind } from '../../domain/tasks';
import { PROGRAMME_SERVERS } from '../../programmes';
import { DICTIONARY } from '../../web/i18n';

// Adding a programme is its registry entry, its server module and its own files: a missing piece fails here.
describe.each(PROGRAMME_LIST.map((p) => [p.id, p] as const))('programme %s', (id, entry) => {
  test('its own task kinds are merged, listed by the entry and worded for their mail', () => {
    const own = Object.keys(entry.ownTaskKinds);
    expect(own.length).toBeGreaterThan(0);
    for (const kind of own) {
      expect(TASK_KINDS[kind as TaskKind]).toBe((entry.ownTaskKinds as Record<string, unknown>)[kind]);
      expect(entry.taskKinds).toContain(kind);
    }
    for (const kind of entry.taskKinds) {
      expect(Object.keys(TASK_KINDS)).toContain(kind);
      expect(TASK_MAIL_PURPOSE[kind as TaskKind]?.en).toBeTruthy();
      expect(TASK_MAIL_PURPOSE[kind as TaskKind]?.ru).toBeTruthy();
      for (const d of Object.values(TASK_KINDS[kind as TaskKind].decisions as Record<string, { data: string }>))
        expect(Object.keys(decisionData)).toContain(d.data);
    }
    for (const [key, schema] of Object.entries(entry.decisionData))
      expect((decisionData as Record<string, unknown>)[key]).toBe(schema);
  });

  test('it has a server module: activities, API routes, web pages, task-page hooks', () => {
    const server = PROGRAMME_SERVERS[id];
    expect(server).toBeDefined();
    expect(server.activities.length).toBeGreaterThan(0);
    expect(server.apiRoutes.length).toBeGreaterThan(0);
    expect(server.webPages.length).toBeGreaterThan(0);
    expect(typeof server.taskPage.subject).toBe('function');
    expect(typeof server.taskPage.revisionChanges).toBe('function');
  });

  test('each of its roles has its words in English and Russian', () => {
    for (const role of Object.keys(entry.roles))
      for (const form of ['role', 'actor', 'who'])
        for (const lang of ['en', 'ru'] as const)
          expect([`${form}.${role}`, (DICTIONARY[lang] as Record<string, string>)[`${form}.${role}`]]).toEqual([
            `${form}.${role}`,
            expect.stringMatching(/\S/),
          ]);
  });
});

test('no server module without a registry entry', () => {
  expect(Object.keys(PROGRAMME_SERVERS).sort()).toEqual(PROGRAMME_LIST.map((p) => p.id).sort());
});
