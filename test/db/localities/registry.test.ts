import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalityRegistry, localityRegistry } from '../../../db/localities/registry.ts';
import { testDb } from '../../helper.ts';

describe('locality registry', () => {
  let db: ReturnType<typeof testDb>;
  let registry: LocalityRegistry;
  beforeAll(() => {
    db = testDb();
    registry = localityRegistry(db.sqlite);
  });
  afterAll(() => db.remove());

  it('holds the country, 63 old and 34 new provinces and 3,321 communes', () => {
    const levels = (month: string) => registry.at(month).reduce<Record<string, number>>((acc, u) => ({ ...acc, [u.level]: (acc[u.level] ?? 0) + 1 }), {});
    expect(levels('2024-12')).toEqual({ country: 1, province: 63 });
    expect(levels('2025-07')).toEqual({ country: 1, province: 34, commune: 3321 });
  });

  it('reads a reused code in the month of its row', () => {
    const before = registry.resolve('80', '2025-06');
    const after = registry.resolve('80', '2025-07');
    expect(before.ok && before.locality.name).toBe('Tỉnh Long An');
    expect(after.ok && after.locality.name).toBe('Tỉnh Tây Ninh');
  });

  it('says what an ended code became', () => {
    const r = registry.resolve('02', '2025-08');
    expect(r).toEqual({ ok: false, message: '02 (Tỉnh Hà Giang) ended on 2025-06-30; since 2025-07-01 it is part of 08 (Tỉnh Tuyên Quang)' });
  });

  it('refuses a commune before it existed', () => {
    const r = registry.resolve('00004', '2025-06');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain('exists only from 2025-07-01');
  });

  it('knows the merge map', () => {
    expect(registry.predecessors(registry.current('82', '2026-01')!).map((u) => u.name).sort()).toEqual(['Tỉnh Tiền Giang', 'Tỉnh Đồng Tháp']);
    const oldLongAn = registry.resolve('80', '2024-01');
    expect(oldLongAn.ok && registry.get(registry.areaOf(oldLongAn.locality)).name).toBe('Tỉnh Tây Ninh');
  });

  it('names Đồng Nai as it was called in each month', () => {
    const dongNai = registry.current('75', '2026-11')!;
    expect(registry.nameAt(dongNai, '2026-04')).toBe('Tỉnh Đồng Nai');
    expect(registry.nameAt(dongNai, '2026-05')).toBe('Thành phố Đồng Nai');
  });

  it('puts a commune, its province, the old provinces and VN on one scope chain', () => {
    const commune = registry.resolve('00004', '2025-08');
    const chain = commune.ok ? registry.scopeChain(commune.locality).map((id) => registry.get(id).code) : [];
    expect(chain).toEqual(['00004', '01', 'VN']);
  });
});
