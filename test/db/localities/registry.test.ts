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

  it('holds the country, 63 old and 34 new provinces, 10,052 old and 3,321 new communes', () => {
    const levels = (month: string) => registry.at(month).reduce<Record<string, number>>((acc, u) => ({ ...acc, [u.level]: (acc[u.level] ?? 0) + 1 }), {});
    // 10,047 communes and the 5 island districts that had none.
    expect(levels('2024-12')).toEqual({ country: 1, province: 63, commune: 10_052 });
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
    expect(r).toMatchObject({ ok: false, problem: { kind: 'ended' }, message: '02 (Tỉnh Hà Giang) ended on 2025-06-30; since 2025-07-01 it is part of 08 (Tỉnh Tuyên Quang)' });
  });

  it('refuses a commune before it existed', () => {
    const r = registry.resolve('11948', '2025-06');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toBe('11948 (Đặc khu Bạch Long Vĩ) exists only from 2025-07-01; for 2025-06 report under the units of that month');
  });

  it('reads a reused commune code in the month of its row', () => {
    const before = registry.resolve('00004', '2025-06');
    const after = registry.resolve('00004', '2025-07');
    expect(before.ok && [before.locality.name, registry.get(before.locality.parentId!).validTo]).toEqual(['Phường Trúc Bạch', '2025-06-30']);
    expect(after.ok && after.locality.name).toBe('Phường Ba Đình');
  });

  it('says what an ended commune became, and every commune a split one went to', () => {
    expect(registry.resolve('00001', '2025-07')).toMatchObject({ ok: false, problem: { kind: 'ended' }, message: '00001 (Phường Phúc Xá) ended on 2025-06-30; since 2025-07-01 it is part of 00097 (Phường Hồng Hà)' });
    expect(registry.resolve('00100', '2025-07')).toMatchObject({
      ok: false,
      message: '00100 (Phường Quảng An) ended on 2025-06-30; since 2025-07-01 it is split between 00097 (Phường Hồng Hà) and 00103 (Phường Tây Hồ): report each part under its new commune',
    });
  });

  it('gives a commune of whole old communes its continuous history, and one with a split source none before the reform', () => {
    const binhDuong = registry.current('25760', '2026-01')!;
    expect(registry.historyLimit(binhDuong)).toBeNull();
    const members = registry.memberIds(binhDuong).map((id) => registry.get(id));
    expect(members.map((u) => `${u.code} ${u.validTo ?? 'now'}`)).toEqual(['25760 now', '25760 2025-06-30', '25762 2025-06-30', '25763 2025-06-30', '25924 2025-06-30']);
    // Old Phường Hoà Phú was in old Bình Dương (74), which went into today's 79.
    expect(registry.get(registry.areaOf(members[1]!)).code).toBe('79');

    const baDinh = registry.current('00004', '2026-01')!;
    const limit = registry.historyLimit(baDinh)!;
    expect(limit.history_from).toBe('2025-07');
    expect(limit.history_note).toContain('00016 (Phường Ngọc Hà)');
    expect(registry.memberIds(baDinh)).toEqual([baDinh.id]);
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
