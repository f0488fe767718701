import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPublisher } from '../../db/publishers.ts';
import { cleanName, getService, upsertService } from '../../db/services.ts';
import { testDb } from '../helper.ts';

describe('names from outside', () => {
  it.each([
    ['a right-to-left override', 'Đăng ký\u202Egnp.exe\u202C', 'Đăng kýgnp.exe'],
    ['isolates and marks', '\u2066A\u2069 \u2067B\u2069 \u2068C\u2069\u200E\u200F\u061C\u202A\u202B\u202D', 'A B C'],
    ['C0 and C1 controls', 'A\u0000B\u0007C\u001B[0m\u007F\u009BD', 'ABC[0mD'],
    ['tabs and line breaks', '\tCấp\r\ngiấy\u2028phép\u0085mới\n', 'Cấp giấy phép mới'],
    ['decomposed Vietnamese', 'Đăng ký'.normalize('NFD'), 'Đăng ký'],
    ['markup, which stays text (escaped where it is shown)', '<b>x</b>', '<b>x</b>'],
  ])('cleanName removes %s', (_what, raw, clean) => {
    expect(cleanName(raw)).toBe(clean);
  });

  describe('as stored', () => {
    let db: ReturnType<typeof testDb>;
    beforeEach(() => {
      db = testDb();
    });
    afterEach(() => db.remove());

    it('cleans service and agency names', () => {
      upsertService(db.sqlite, { code: 'KS', name_vi: 'A\u202EB', name_en: 'C\u2066D', agency: 'E\u0000F', online_level: 'full' });
      expect(getService(db.sqlite, 'KS')).toMatchObject({ name_vi: 'AB', name_en: 'CD', agency: 'EF' });
    });

    it('cleans publisher names', () => {
      const created = createPublisher(db.sqlite, { name: 'Sở\u202E TT\u0007', localities: ['01'] });
      expect(created.ok).toBe(true);
      expect(db.sqlite.prepare('SELECT name FROM publishers').get()).toEqual({ name: 'Sở TT' });
    });
  });
});
