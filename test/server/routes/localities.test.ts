import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldText } from '../../../lib/fold.ts';
import { type TestApp, testApp } from '../../helper.ts';

interface Answer {
  at: string;
  count: number;
  localities: Array<{ code: string; name: string; level: string; parent_code: string | null }>;
}

describe('GET /api/v1/localities', () => {
  let t: TestApp;
  beforeAll(async () => void (t = await testApp()));
  afterAll(() => t.close());
  const get = async (query: string) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/localities${query}` });
    return { status: res.statusCode, body: res.json() as Answer & { message?: string } };
  };

  it('lists the children of a unit in a month', async () => {
    const now = await get('?parent=79&at=2026-11');
    expect(now.status).toBe(200);
    expect(now.body.count).toBe(168);
    expect(new Set(now.body.localities.map((l) => l.parent_code))).toEqual(new Set(['79']));
    expect(new Set(now.body.localities.map((l) => l.level))).toEqual(new Set(['commune']));
    expect((await get('?parent=VN&at=2026-11')).body.count).toBe(34);
    expect((await get('?parent=VN&at=2025-06')).body.count).toBe(63);
    const unknown = await get('?parent=999');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('999');
  });

  it('finds names without diacritics or case, đ as d, exact names first', async () => {
    const { status, body } = await get('?q=ba%20dinh&level=commune&at=2026-11');
    expect(status).toBe(200);
    expect(body.localities[0]).toMatchObject({ code: '00004', name: 'Phường Ba Đình', parent_code: '01' });
    for (const l of body.localities) expect(foldText(l.name)).toContain('ba dinh');
    // "Đình" typed with its letters, capitals and all, finds the same.
    expect((await get('?q=BA%20%C4%90%C3%8CNH&level=commune&at=2026-11')).body.localities[0]?.code).toBe('00004');
    // A prefix ranks above a name that only contains it.
    const prefix = (await get('?q=ha%20noi&at=2026-11')).body.localities;
    expect(prefix[0]).toMatchObject({ code: '01', level: 'province' });
    expect((await get('?q=zzzz')).body.count).toBe(0);
  });
});
