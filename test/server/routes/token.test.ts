import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, addServices, testApp } from '../../helper.ts';

/** GET /api/v1/token: the desk says what a token may write before any file is sent. */
describe('GET /api/v1/token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
    addServices(t.db, 'KS');
  });
  afterAll(() => t.close());

  it("answers a publisher's localities with their names, its services and expiry", async () => {
    const { headers } = await t.publisher(['79', '26740'], ['KS']);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/token', headers });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { kind: string; localities: Array<{ code: string; name: string }>; services: string[] | null; expires_at: string | null };
    expect(body.kind).toBe('publisher');
    expect(body.localities.map((l) => l.code).sort()).toEqual(['26740', '79']);
    expect(body.localities.find((l) => l.code === '79')?.name).toBe('Thành phố Hồ Chí Minh');
    expect(body.services).toEqual(['KS']);
    expect(body.expires_at).toBeNull();
    expect((body as unknown as { periods: unknown }).periods).toEqual({ from: '2000-01', to: new Date().toISOString().slice(0, 7) });
  });

  it('is a 401 in the asked language without a token or with an unknown one', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/token', headers: { 'accept-language': 'vi' } });
    expect(none.statusCode).toBe(401);
    expect(none.json().message).toMatch(/^Hãy gửi mã truy cập/);
    const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/token', headers: { authorization: 'Bearer td_nope' } });
    expect(unknown.statusCode).toBe(401);
  });
});
