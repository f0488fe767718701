/** How the last site build ended, as /api/v1/health reports it. */
export interface SiteBuildStatus {
  status: 'ok' | 'failed';
  /** When the failed build gave up; null while the last build succeeded (or none has run). */
  failed_at: string | null;
  /** Why, in one line ("ENOSPC: no space left on device, open 'services/1.001/index.html'"). */
  error: string | null;
  message_vi: string | null;
  message_en: string | null;
}

const OK: SiteBuildStatus = { status: 'ok', failed_at: null, error: null, message_vi: null, message_en: null };

/** A failure is kept until a build succeeds: the site serves the build before it meanwhile. */
export class BuildStatus {
  private last = OK;

  succeeded(): void {
    this.last = OK;
  }

  failed(err: unknown, at = new Date()): void {
    const error = failureReason(err);
    const full = /\bENOSPC\b|SQLITE_FULL|disk is full/.test(error);
    this.last = { status: 'failed', failed_at: at.toISOString(), error, ...(full ? DISK_FULL : OTHER) };
  }

  current(): SiteBuildStatus {
    return this.last;
  }
}

const DISK_FULL = {
  message_vi:
    'Lần dựng trang gần nhất thất bại vì ổ đĩa của máy chủ đã đầy; trang công khai vẫn là bản dựng trước. Khi có chỗ trống, trang được dựng lại với lô dữ liệu tiếp theo hoặc theo lịch hằng giờ.',
  message_en:
    "The last site build failed because the server's disk is full; the public site is still the build before it. Once there is space, the site is rebuilt with the next batch or on the hourly schedule.",
};
const OTHER = {
  message_vi: 'Lần dựng trang gần nhất thất bại; trang công khai vẫn là bản dựng trước. Lý do ở trường error và trong nhật ký máy chủ.',
  message_en: 'The last site build failed; the public site is still the build before it. The reason is in "error" and in the server log.',
};

const MAX_REASON = 300;

/**
 * The first line of a build's error, for a public endpoint: without "Error: " prefixes, and with
 * file paths cut to their place in the build (or their name), as the server's folders are
 * nobody else's business. The whole stack is in the server's log.
 */
export function failureReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = (text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error').trim();
  const reason = line
    .replace(/\b(?:[A-Z]\w*)?Error: /g, '')
    .replace(/'(\/[^']*)'/g, (_all, path: string) => `'${/\.builds\/[^/]+\/(.+)$/.exec(path)?.[1] ?? path.split('/').pop()}'`);
  return reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason;
}
