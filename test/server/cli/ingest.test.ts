import { spawnSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDb } from '../../../db/open.ts';
import { count, csv, tempDir } from '../../helper.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const CATALOGUE = ['code,name_vi,name_en,agency,online_level,online_since', 'KS,Đăng ký khai sinh,Birth registration,Bộ Tư pháp,full,2019-07', 'KH,"Đăng ký kết hôn, trong nước",,,partial,'];
const TOKEN = /td_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}/g;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

describe('command-line tools', () => {
  let dir: ReturnType<typeof tempDir>;
  let dbPath: string;

  /** Runs a CLI script the way npm run does, on the temp database. */
  const run = (script: 'ingest' | 'publisher', ...args: string[]): Run => {
    const result = spawnSync(TSX, [`server/cli/${script}.ts`, ...args], {
      cwd: ROOT,
      env: { ...process.env, DB_PATH: dbPath },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const file = (name: string, text: string | Buffer) => {
    const path = join(dir.path, name);
    writeFileSync(path, text);
    return path;
  };
  const ingest = (name: string, text: string | Buffer, ...flags: string[]) => run('ingest', file(name, text), ...flags);
  /** Reads the database the CLI wrote, then closes it. */
  const inDb = <T>(read: (db: Db) => T): T => {
    const db = openDb(dbPath);
    try {
      return read(db);
    } finally {
      db.sqlite.close();
    }
  };
  const storedBatches = (db: Db) => (db.sqlite.prepare("SELECT count(*) AS n FROM batches WHERE outcome = 'stored'").get() as { n: number }).n;
  const expectNothingStored = () => expect(inDb((db) => [count(db, 'observations'), storedBatches(db)])).toEqual([0, 0]);

  beforeEach(() => {
    dir = tempDir('thuocdo-cli-');
    dbPath = join(dir.path, 'cli.db');
    const catalogue = ingest('services.csv', `${CATALOGUE.join('\n')}\n`, '--services');
    expect(catalogue.status, catalogue.stderr).toBe(0);
  });
  afterEach(() => dir.remove());

  it('imports a service catalogue with --services', () => {
    const again = ingest('services.csv', `${CATALOGUE.slice(0, 2).join('\n')}\n`, '--services');
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ services: 1, created: 0, updated: 1 });
    expect(inDb((db) => db.sqlite.prepare('SELECT code, name_vi AS name FROM services ORDER BY code').all())).toEqual([
      { code: 'KH', name: 'Đăng ký kết hôn, trong nước' },
      { code: 'KS', name: 'Đăng ký khai sinh' },
    ]);
  });

  it('refuses a bad catalogue and stores nothing of it', () => {
    const res = ingest('bad-services.csv', 'code,name_vi,online_level\nKT,Đăng ký khai tử,full\nKX,,full\n', '--services');
    expect(res.status).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ error: 'invalid_rows', error_count: 1, errors: [{ row: 3, column: 'name_vi' }] });
    expect(inDb((db) => count(db, 'services'))).toBe(2);
  });

  it('stores a good CSV file and exits 0', () => {
    const res = ingest('good.csv', csv([['2024-05', 'KS', '01', 10, 20], ['2024-05', 'KH', '79', 3, 4], ['2025-08', 'KS', '80', 0, 9]]));
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain('batch 1 stored: 3 rows (3 new, 0 revised, 0 unchanged)');
    expect(inDb((db) => db.sqlite.prepare('SELECT sum(online_count) AS online, sum(total_count) AS total FROM observations').get())).toEqual({
      online: 13,
      total: 33,
    });
  });

  it('stores a JSON file', () => {
    const res = ingest('good.json', JSON.stringify({ observations: [{ period: '2024-05', service_code: 'KS', locality_code: '01', online_count: 1, total_count: 2 }] }));
    expect(res.status, res.stderr).toBe(0);
    expect(inDb((db) => count(db, 'observations'))).toBe(1);
  });

  it('exits 1 on a bad file, prints the row errors on stderr and stores nothing', () => {
    const res = ingest('bad.csv', csv([['2024-05', 'KS', '01', 10, 20], ['2024-05', 'KH', '01', 30, 20], ['2024-5', 'KS', '79', 1, 2]]));
    expect(res.status).toBe(1);
    // Vietnamese first, then English, the summary and each row.
    expect(res.stderr).toMatch(/^Chưa lưu gì \(422\): Có 2 lỗi ở 2 dòng[^\n]*\nNothing was stored \(422\): 2 error\(s\) in 2 row\(s\)/);
    expect(res.stderr).toContain('  Dòng 3, cột online_count: số hồ sơ trực tuyến (30) lớn hơn tổng số hồ sơ (20)');
    expect(res.stderr).toContain('  Line 3, column online_count: online_count (30) is greater than total_count (20)');
    expect(res.stderr).toContain('  Line 4, column period: period must be YYYY-MM: write 2024-05');
    expect(res.stderr.indexOf('Dòng 4, cột period')).toBeLessThan(res.stderr.indexOf('Line 4, column period'));
    expectNothingStored();
  });

  it('reads an .xlsx, checks it with --dry-run first (nothing stored), then stores it', async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet('Số liệu').addRows([
      ['period', 'service_code', 'locality_code', 'online_count', 'total_count'],
      [new Date(Date.UTC(2024, 4, 1)), 'KS', '01', 10, 20],
      ['2024-05', 'KS', '79', 1234.5, 2000],
    ]);
    const bad = Buffer.from(await book.xlsx.writeBuffer());
    const refused = ingest('bad.xlsx', bad, '--dry-run');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('Hàng 3, cột online_count: giá trị «1234.5» không phải là số nguyên');
    book.worksheets[0]!.getCell('D3').value = 1234;
    const good = file('good.xlsx', Buffer.from(await book.xlsx.writeBuffer()));
    const dry = run('ingest', good, '--dry-run');
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Kiểm tra xong, không lưu gì: 2 dòng (2 dòng mới');
    expectNothingStored();
    const stored = run('ingest', good);
    expect(stored.status, stored.stderr).toBe(0);
    expect(inDb((db) => db.sqlite.prepare('SELECT period, online_count AS online FROM observations ORDER BY online').all())).toEqual([
      { period: '2024-05', online: 10 },
      { period: '2024-05', online: 1234 },
    ]);
  }, 60_000);

  it('exits 1 on a file it cannot read as CSV', () => {
    const res = ingest('semicolons.csv', 'period;service_code;locality_code;online_count;total_count\n2024-05;KS;01;1;2\n');
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('Chưa lưu gì (400): Các cột trong tệp được ngăn cách bằng dấu chấm phẩy (;)');
    expect(res.stderr).toContain('Nothing was stored (400)');
    expect(res.stderr).toContain('semicolons');
    expectNothingStored();
  });

  describe('publishers', () => {
    /** Creates a publisher through the CLI; returns its id and token. */
    const createPublisher = () => {
      const res = run('publisher', 'create', '--name', 'Sở TT&TT', '--localities', '01,79');
      expect(res.status, res.stderr).toBe(0);
      const tokens = res.stdout.match(TOKEN) ?? [];
      expect(tokens).toHaveLength(1);
      return { id: Number(/publisher (\d+) created/.exec(res.stdout)?.[1]), token: tokens[0]! };
    };

    it('creates a publisher and prints its token once', () => {
      const { id, token } = createPublisher();
      expect(id).toBe(1);
      const stored = inDb((db) => ({
        hash: (db.sqlite.prepare('SELECT token_hash AS hash FROM publishers WHERE id = ?').get(id) as { hash: string }).hash,
        localities: db.sqlite
          .prepare('SELECT l.code FROM publisher_localities p JOIN localities l ON l.id = p.locality_id WHERE p.publisher_id = ? ORDER BY l.code')
          .all(id),
      }));
      expect(stored.localities).toEqual([{ code: '01' }, { code: '79' }]);
      expect(stored.hash).not.toContain(token.slice(-43));
    });

    it('refuses to create a publisher for an unknown locality', () => {
      const res = run('publisher', 'create', '--name', 'X', '--localities', '01,XX');
      expect(res.status).toBe(1);
      expect(res.stderr).toContain('unknown locality code "XX"');
      expect(inDb((db) => count(db, 'publishers'))).toBe(0);
    });

    it('applies the scope of --publisher', () => {
      const { id } = createPublisher();
      const inside = ingest('inside.csv', csv([['2024-05', 'KS', '79', 1, 2], ['2024-05', 'KS', '74', 1, 2]]), '--publisher', String(id));
      expect(inside.status, inside.stderr).toBe(0);
      expect(inDb((db) => db.sqlite.prepare('SELECT publisher_id AS publisher, rows FROM batches').all())).toEqual([{ publisher: id, rows: 2 }]);

      const outside = ingest('outside.csv', csv([['2024-06', 'KS', '79', 1, 2], ['2024-06', 'KS', '08', 1, 2]]), '--publisher', String(id));
      expect(outside.status).toBe(1);
      expect(outside.stderr).toContain('Nothing was stored (403)');
      expect(outside.stderr).toContain("Line 3, column locality_code: locality 08 (Tỉnh Tuyên Quang) is outside this token's scope");
      expect(inDb((db) => [count(db, 'observations'), storedBatches(db)])).toEqual([2, 1]);
    });

    it('refuses an unknown --publisher', () => {
      const res = ingest('rows.csv', csv([['2024-05', 'KS', '01', 1, 2]]), '--publisher', '42');
      expect(res.status).toBe(1);
      expect(res.stderr).toContain('no active publisher with id 42');
      expectNothingStored();
    });
  });
});
