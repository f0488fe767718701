import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { freeBytes, isDiskFull } from '../../db/disk-full.ts';

// A really full disk (where SQLITE_IOERR_* counts too) is in test/e2e/full-disk.test.ts.
describe('isDiskFull', () => {
  it('is true for SQLite\'s SQLITE_FULL and the file system\'s ENOSPC', () => {
    expect(isDiskFull({ code: 'SQLITE_FULL' })).toBe(true);
    expect(isDiskFull(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }))).toBe(true);
  });

  it('is false for other errors, and for an I/O error on a disk with room or with no folder to look at', () => {
    expect(isDiskFull({ code: 'SQLITE_BUSY' })).toBe(false);
    expect(isDiskFull(new Error('database or disk is full'))).toBe(false);
    expect(isDiskFull(null)).toBe(false);
    expect(isDiskFull({ code: 'SQLITE_IOERR_WRITE' })).toBe(false);
    expect(freeBytes(tmpdir())).toBeGreaterThan(64 * 1024 * 1024);
    expect(isDiskFull({ code: 'SQLITE_IOERR_WRITE' }, tmpdir())).toBe(false);
    expect(freeBytes('/no/such/folder')).toBeNull();
    expect(isDiskFull({ code: 'SQLITE_IOERR_WRITE' }, '/no/such/folder')).toBe(false);
  });
});
