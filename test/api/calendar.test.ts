import { as, startApiHarness, type ApiHarness } from './harness';

/** Public holidays and office calendars over HTTP: administrators enter what date-holidays lacks. */
let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness('calendar', { worker: false });
});
afterAll(async () => {
  await h?.stop();
});

test("Russia's holidays come from date-holidays with their source; Kyrgyzstan's are entered by an administrator", async () => {
  const admin = as(h.app, await h.token('admin'));
  const ru = await admin.get('/calendar/holidays?country=RU&year=2027');
  expect(ru.status).toBe(200);
  expect(ru.body.items).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ date: '2027-11-04', source: expect.stringMatching(/^date-holidays /) }),
    ]),
  );
  expect((await admin.get('/calendar/holidays?country=KG&year=2027')).body.items).toEqual([]);

  const nooruz = { countryCode: 'KG', date: '2027-03-22', name: 'Nooruz', nameRu: 'Нооруз' };
  const created = await admin.post('/calendar/holidays').send(nooruz);
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ ...nooruz, source: 'admin', createdById: 'u-admin' });
  expect((await admin.post('/calendar/holidays').send(nooruz)).status).toBe(409);
  const bad = await admin.post('/calendar/holidays').send({ ...nooruz, date: '2027-02-30' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details[0].path).toBe('date');
  expect((await admin.get('/calendar/holidays?country=KG&year=2027')).body.items).toHaveLength(1);

  expect((await admin.get('/calendar/holidays?year=2027')).status).toBe(400);
  // Others may read, not write.
  const co = as(h.app, await h.token('coKg'));
  expect((await co.get('/calendar/holidays?country=KG&year=2027')).status).toBe(200);
  expect((await co.post('/calendar/holidays').send({ ...nooruz, date: '2027-03-21' })).status).toBe(403);

  expect((await admin.post('/calendar/holidays/revoke').send({ countryCode: 'KG', date: '2027-03-22' })).status).toBe(
    200,
  );
  expect((await admin.post('/calendar/holidays/revoke').send({ countryCode: 'KG', date: '2027-03-22' })).status).toBe(
    404,
  );
});

test("an office's time zone and holiday country are settings", async () => {
  const admin = as(h.app, await h.token('admin'));
  const offices = await admin.get('/calendar/offices');
  expect(offices.body.items).toEqual(
    expect.arrayContaining([
      { countryCode: 'KG', name: 'UNDP Kyrgyzstan', timeZone: 'Asia/Bishkek', holidayCountryCode: 'KG' },
    ]),
  );
  const bad = await admin.patch('/calendar/offices/KG').send({ timeZone: 'Mars/Olympus' });
  expect(bad.status).toBe(400);
  const ok = await admin.patch('/calendar/offices/TJ').send({ holidayCountryCode: 'RU' });
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({ countryCode: 'TJ', holidayCountryCode: 'RU', timeZone: 'Asia/Dushanbe' });
  expect((await admin.patch('/calendar/offices/ZZ').send({ holidayCountryCode: 'RU' })).status).toBe(404);
});
