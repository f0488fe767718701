import { execFile } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { type OpenAPI3, astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, tempDir } from '../helper.ts';
import { ROOT, type ServerProcess, killServers, serverFiles, startServer } from '../server/child.ts';

/**
 * The typed API from outside: a client generated from the live /api/v1/openapi.json with
 * openapi-typescript, used through openapi-fetch the way a publisher's script would use it. It
 * must type-check under strict settings, and then it reads and writes against the real server.
 */

/** The month the client sends and reads: read in today's boundaries, 01 is Hà Nội and 79 Hồ Chí Minh City. */
const MONTH = '2026-10';

/**
 * A publisher's script: registers a service and a publisher (admin), sends two rows as JSON with
 * the publisher's token, and reads the national rate of that month back. `rows` is spliced in
 * as source, so a variant can misspell a field.
 */
const clientSource = (rows: string) => `import createClient from 'openapi-fetch';
import type { paths } from './api.ts';

export async function roundTrip(baseUrl: string, adminToken: string) {
  const admin = createClient<paths>({ baseUrl, headers: { authorization: \`Bearer \${adminToken}\` } });
  const service = await admin.PUT('/api/v1/services/{code}', {
    params: { path: { code: 'TC.01' } },
    body: { name_vi: 'Cấp phiếu lý lịch tư pháp', name_en: 'Criminal record certificate', online_level: 'full' },
  });
  if (!service.data) throw new Error(\`service: \${JSON.stringify(service.error)}\`);

  const publisher = await admin.POST('/api/v1/publishers', { body: { name: 'Sở Tư pháp', localities: ['01', '79'] } });
  if (!publisher.data) throw new Error(\`publisher: \${JSON.stringify(publisher.error)}\`);

  const writer = createClient<paths>({ baseUrl, headers: { authorization: \`Bearer \${publisher.data.token}\` } });
  const sent = await writer.POST('/api/v1/observations', { body: { observations: ${rows} } });
  if (!sent.data) throw new Error(\`ingest: \${JSON.stringify(sent.error)}\`);
  // 200 is a dry run's answer, 201 a stored batch's: the types make the client tell them apart.
  if ('dry_run' in sent.data) throw new Error('a dry run answered a real send');
  const inserted: number = sent.data.inserted;

  const reader = createClient<paths>({ baseUrl });
  const read = await reader.GET('/api/v1/adoption', { params: { query: { service: 'TC.01', locality: 'VN', from: '${MONTH}', to: '${MONTH}' } } });
  if (!read.data) throw new Error(\`adoption: \${JSON.stringify(read.error)}\`);
  // A bucket of counts, or of an indicator's numerator and denominator (adoption?indicator=).
  const bucket = read.data.series[0];
  const counts = bucket && 'online_count' in bucket ? bucket : undefined;
  const rate: number | null = bucket ? bucket.rate : null;
  return { batch: sent.data.batch_id, inserted, rate, online: counts?.online_count, total: counts?.total_count, demo: read.data.demo ?? false };
}
`;

const ROWS = `[
    { period: '${MONTH}', service_code: 'TC.01', locality_code: '01', online_count: 30, total_count: 100 },
    { period: '${MONTH}', service_code: 'TC.01', locality_code: '79', online_count: 45, total_count: 100 },
  ]`;

/** Runs the client in its own process and prints what it got as JSON. */
const runnerSource = `import { roundTrip } from './client.ts';
console.log(JSON.stringify(await roundTrip(process.argv[2]!, process.argv[3]!)));
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
    lib: ['ES2023', 'DOM'],
    types: ['node'],
  },
  include: ['*.ts'],
};

/** Writes api.ts (generated from `doc`), the client with `rows`, the runner and a strict tsconfig into a new folder. */
async function clientFolder(doc: OpenAPI3, rows: string): Promise<string> {
  const dir = tempDir('thuocdo-typed-client-');
  folders.push(dir);
  writeFileSync(join(dir.path, 'api.ts'), astToString(await openapiTS(doc)));
  writeFileSync(join(dir.path, 'client.ts'), clientSource(rows));
  writeFileSync(join(dir.path, 'run.ts'), runnerSource);
  writeFileSync(join(dir.path, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  writeFileSync(join(dir.path, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  // openapi-fetch, tsx and @types/node from the project, as an installed client would have them.
  symlinkSync(join(ROOT, 'node_modules'), join(dir.path, 'node_modules'), 'dir');
  return dir.path;
}

/** The folder's type errors under its own tsconfig, as `tsc --noEmit -p folder` reports them. */
function typeErrors(dir: string): string[] {
  const unreadable = (d: ts.Diagnostic) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  };
  const configFile = ts.getParsedCommandLineOfConfigFile(join(dir, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: unreadable });
  if (!configFile) throw new Error(`no tsconfig in ${dir}`);
  const program = ts.createProgram(configFile.fileNames, configFile.options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
}

const folders: Array<{ remove: () => void }> = [];
let server: ServerProcess;
let doc: OpenAPI3;

beforeAll(async () => {
  const dir = tempDir();
  folders.push(dir);
  // No site builds: nothing competes with the requests for the CPU.
  server = await startServer(serverFiles(dir.path), { SITE_BUILD_DELAY_MS: '3600000' });
  const res = await fetch(`${server.url}/api/v1/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as OpenAPI3;
});

afterAll(async () => {
  await killServers();
  for (const dir of folders) dir.remove();
});

describe('a client generated from the live openapi.json', () => {
  it('type-checks under strict settings, then ingests and reads back the numbers it sent', async () => {
    const dir = await clientFolder(doc, ROWS);
    expect(typeErrors(dir)).toEqual([]);

    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'run.ts', server.url, ADMIN_TOKEN], { cwd: dir });
    const result = JSON.parse(stdout) as { batch: number; inserted: number; rate: number | null; online: number; total: number; demo: boolean };
    expect(result.inserted).toBe(2);
    expect(result.batch).toBeGreaterThan(0);
    // Σonline / Σtotal over Hà Nội and Hồ Chí Minh City: 75 / 200.
    expect(result).toMatchObject({ online: 75, total: 200, rate: 0.375, demo: false });
  }, 120_000);

  it('refuses a misspelt field of an observation row', async () => {
    const dir = await clientFolder(doc, ROWS.replace('online_count: 45', 'online_cout: 45'));
    expect(typeErrors(dir)).toContainEqual(expect.stringMatching(/^client\.ts:\d+: .*'online_cout' does not exist/s));
  }, 120_000);

  it('refuses any body for an ingest whose requestBody is not in the document', async () => {
    const withoutBody = structuredClone(doc);
    const operations = withoutBody.paths as Record<string, Record<string, { requestBody?: unknown }>>;
    delete operations['/api/v1/observations']!.post!.requestBody;
    const errors = typeErrors(await clientFolder(withoutBody, ROWS));
    // openapi-fetch types the body of an operation without a requestBody as undefined.
    const ingestLine = clientSource(ROWS).split('\n').findIndex((line) => line.includes("'/api/v1/observations'")) + 1;
    expect(errors).toContainEqual(expect.stringMatching(new RegExp(`^client\\.ts:${ingestLine}: .*not assignable to type 'undefined'`, 's')));
  }, 120_000);
});
