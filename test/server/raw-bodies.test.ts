import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XLSX } from '../../server/raw-bodies.ts';
import { type TestApp, HEADER, addServices, csv, testApp } from '../helper.ts';

interface Operation {
  requestBody?: { content: Record<string, { schema: Record<string, unknown> & { description?: string } }> };
  parameters?: Array<{ name: string; in: string }>;
}
type Paths = Record<string, Record<string, Operation>>;

/** Write routes that take no body at all. */
const BODILESS = new Set(['post /api/v1/sources/{name}/pull']);

describe('request bodies in /api/v1/openapi.json', () => {
  let t: TestApp;
  let paths: Paths;
  let auth: Record<string, string>;

  beforeAll(async () => {
    t = await testApp();
    addServices(t.db, 'KS');
    auth = (await t.publisher(['VN'])).headers;
    paths = (await t.app.inject({ url: '/api/v1/openapi.json' })).json<{ paths: Paths }>().paths;
  });
  afterAll(() => t.close());

  const operation = (method: string, path: string): Operation => paths[path]![method]!;

  it('describe every POST and PUT that takes a body, by media type', () => {
    const writes = Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).filter((m) => m === 'post' || m === 'put' || m === 'patch').map((m) => `${m} ${path}`));
    expect(writes.length).toBeGreaterThan(6);
    for (const write of writes) {
      const [method, path] = write.split(' ') as [string, string];
      expect(operation(method, path).requestBody === undefined, write).toBe(BODILESS.has(write));
    }
    const mediaTypes = (method: string, path: string) => Object.keys(operation(method, path).requestBody!.content).sort();
    expect(mediaTypes('post', '/api/v1/observations')).toEqual(['application/json', XLSX, 'text/csv'].sort());
    expect(mediaTypes('post', '/api/v1/withdrawals')).toEqual(['application/json', XLSX, 'text/csv'].sort());
    expect(mediaTypes('post', '/api/v1/services')).toEqual(['application/json', 'text/csv']);
    expect(mediaTypes('post', '/api/v1/targets')).toEqual(['application/json', 'text/csv']);
    expect(mediaTypes('put', '/api/v1/services/{code}')).toEqual(['application/json']);
    expect(mediaTypes('post', '/api/v1/publishers')).toEqual(['application/json']);
    // The content-type header it validates is said by the media types, not as a parameter.
    expect((operation('post', '/api/v1/observations').parameters ?? []).filter((p: { in: string }) => p.in === 'header')).toEqual([]);
  });

  it('give each CSV body as a string whose description names its header', () => {
    const csvSchema = (path: string) => operation('post', path).requestBody!.content['text/csv']!.schema;
    expect(csvSchema('/api/v1/observations')).toMatchObject({ type: 'string', description: expect.stringContaining(HEADER.split(',').join(', ')) });
    expect(csvSchema('/api/v1/withdrawals')).toMatchObject({ type: 'string', description: expect.stringContaining('period, service_code, locality_code') });
    expect(csvSchema('/api/v1/targets')).toMatchObject({ type: 'string', description: expect.stringContaining('locality_code, due_month, target_rate') });
  });

  it('say whether this server reads spreadsheets, as it answers them', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/observations', headers: { ...auth, 'content-type': XLSX }, payload: Buffer.from('PK\u0003\u0004') });
    const description = operation('post', '/api/v1/observations').requestBody!.content[XLSX]!.schema.description!;
    expect(description).toContain('first sheet');
    expect(res.statusCode === 415, `answered ${res.statusCode}; documented: ${description}`).toBe(description.includes('415'));
  });

  it('give the JSON shape the server takes: a body it stores fits, a misspelt field does not and is refused', async () => {
    const ajv = new Ajv2020({ strict: false });
    const fits = ajv.compile(operation('post', '/api/v1/observations').requestBody!.content['application/json']!.schema);
    const good = { observations: [{ period: '2024-05', service_code: 'KS', locality_code: '01', online_count: 10, total_count: 20 }] };
    const misspelt = { observations: [{ period: '2024-05', service_code: 'KS', locality_code: '79', online_cout: 10, total_count: 20 }] };
    expect(fits(good)).toBe(true);
    expect(fits(misspelt)).toBe(false);
    const send = (body: unknown) => t.app.inject({ method: 'POST', url: '/api/v1/observations', headers: { ...auth, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    expect((await send(good)).statusCode).toBe(201);
    expect((await send(misspelt)).statusCode).toBe(422);

    const withdrawals = ajv.compile(operation('post', '/api/v1/withdrawals').requestBody!.content['application/json']!.schema);
    expect(withdrawals({ withdrawals: [{ period: '2024-05', service_code: 'KS', locality_code: '01' }] })).toBe(true);
    expect(withdrawals({ withdrawals: [{ period: '2024-05', service_code: 'KS', locality_code: '01', online_count: 10 }] })).toBe(false);
  });

  it('leave CSV validation to db/: a CSV body reaches it as before', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/observations', headers: { ...auth, 'content-type': 'text/csv' }, payload: csv([['2024-06', 'KS', '01', 5, 10]]) });
    expect(res.json()).toMatchObject({ rows: 1, inserted: 1 });
  });
});
