import { describe, expect, it } from 'vitest';
import { BuildStatus, failureReason } from '../../../jobs/site/build-status.ts';

describe('failureReason', () => {
  it('keeps the first line, without "Error: " prefixes', () => {
    // As the site builder's process sends it: the whole stack.
    expect(failureReason(new Error('Error: ENOSPC: no space left on device, write\n    at writeSync (node:fs:925:3)'))).toBe('ENOSPC: no space left on device, write');
    expect(failureReason(new Error('page thread: Error: ENOSPC: no space left on device, write\n    at x'))).toBe('page thread: ENOSPC: no space left on device, write');
    expect(failureReason(new Error('SqliteError: database or disk is full'))).toBe('database or disk is full');
    expect(failureReason('site builder exited with 1')).toBe('site builder exited with 1');
  });

  it("cuts paths to their place in the build, or their name: the server's folders are not published", () => {
    expect(failureReason(new Error("Error: ENOSPC: no space left on device, open '/srv/thuocdo/site.builds/2026-01-01T00-00-00-000Z-1-abc/services/1.001/index.html'"))).toBe(
      "ENOSPC: no space left on device, open 'services/1.001/index.html'",
    );
    expect(failureReason(new Error("Error: EACCES: permission denied, mkdir '/srv/thuocdo/site.builds'"))).toBe("EACCES: permission denied, mkdir 'site.builds'");
  });

  it('is at most 300 characters', () => {
    expect(failureReason(new Error('x'.repeat(1000)))).toHaveLength(300);
  });
});

describe('BuildStatus', () => {
  it('keeps a failure, says a full disk in both languages, and is cleared by the next success', () => {
    const status = new BuildStatus();
    expect(status.current()).toEqual({ status: 'ok', failed_at: null, error: null, message_vi: null, message_en: null });
    status.failed(new Error('Error: ENOSPC: no space left on device, write'), new Date('2026-03-01T10:00:00Z'));
    expect(status.current()).toMatchObject({ status: 'failed', failed_at: '2026-03-01T10:00:00.000Z', error: 'ENOSPC: no space left on device, write' });
    expect(status.current().message_en).toMatch(/^The last site build failed because the server's disk is full;/);
    expect(status.current().message_vi).toMatch(/^Lần dựng trang gần nhất thất bại vì ổ đĩa của máy chủ đã đầy;/);
    status.failed(new Error('site builder exited with 1'));
    expect(status.current().message_en).toMatch(/^The last site build failed; the public site is still the build before it\./);
    status.succeeded();
    expect(status.current()).toEqual({ status: 'ok', failed_at: null, error: null, message_vi: null, message_en: null });
  });
});
