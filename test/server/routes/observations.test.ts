import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNRESTRICTED, ingestBody } from '../../../db/ingest/ingest.ts';
import { type TestApp, addServices, csv, testApp } from '../../helper.ts';

interface Answer {
  count: number;
  observations: Array<{ period: string; service_code: string; locality_code: string }>;
  message?: string;
}

describe('GET /api/v1/observations?within=', () => {
  let t: TestApp;
  let commune: string;
  const get = async (query: string) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/observations${query}` });
    return { status: res.statusCode, body: res.json() as Answer };
  };
  const keys = (a: Answer) => a.observations.map((o) => `${o.period} ${o.service_code} ${o.locality_code}`).sort();

  beforeAll(async () => {
    t = await testApp();
    addServices(t.db, 'S1', 'S2');
    const children = (await t.app.inject({ method: 'GET', url: '/api/v1/localities?parent=79&at=2025-08' })).json() as { localities: Array<{ code: string }> };
    commune = children.localities[0]!.code;
    // Old Bình Dương (74) is in today's Hồ Chí Minh City (79); Hà Nội (01) is not.
    const rows = [['2024-03', 'S1', '74', 1, 2], ['2025-08', 'S1', '79', 3, 4], ['2025-08', 'S2', commune, 5, 6], ['2025-08', 'S1', '01', 7, 8]];
    const outcome = ingestBody(t.db.sqlite, Buffer.from(csv(rows)), 'csv', { source: 'cli', publisherId: null, scope: UNRESTRICTED }, { now: new Date('2026-11-15T00:00:00Z') });
    expect(outcome.status, JSON.stringify(outcome.body)).toBe(201);
  });
  afterAll(() => t.close());

  it('gives the rows of a unit, of its communes and of the units merged into it', async () => {
    const { status, body } = await get('?within=79');
    expect(status).toBe(200);
    expect(keys(body)).toEqual(['2024-03 S1 74', '2025-08 S1 79', `2025-08 S2 ${commune}`]);
    expect(keys((await get(`?within=${commune}`)).body)).toEqual([`2025-08 S2 ${commune}`]);
    expect((await get('?within=VN')).body.count).toBe(4);
  });

  it('narrows with the other filters, and answers 404 to an unknown code', async () => {
    expect(keys((await get('?within=79&locality=74')).body)).toEqual(['2024-03 S1 74']);
    expect(keys((await get('?within=79&locality=01')).body)).toEqual([]);
    expect(keys((await get('?within=79&service=S2')).body)).toEqual([`2025-08 S2 ${commune}`]);
    const unknown = await get('?within=999');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('999');
  });
});
