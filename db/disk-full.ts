import { statfsSync } from 'node:fs';

/**
 * Below this much free space, an SQLite I/O error is taken for a full disk. SQLite itself says
 * SQLITE_FULL when a write fails with ENOSPC, but growing the WAL index (-shm) or a file's size
 * hint fails as SQLITE_IOERR_SHMSIZE / _WRITE / _TRUNCATE, which do not carry the errno.
 */
const NEARLY_FULL_BYTES = 64 * 1024 * 1024;

/** Bytes an unprivileged process may still write on the file system holding `folder`; null if unknown. */
export function freeBytes(folder: string): number | null {
  try {
    const fs = statfsSync(folder);
    return fs.bavail * fs.bsize;
  } catch {
    return null;
  }
}

/**
 * True when `err` is a write refused for want of disk space: SQLite's SQLITE_FULL, an ENOSPC
 * from the file system, or an SQLite I/O error while the disk holding `folder` is (nearly) full.
 */
export function isDiskFull(err: unknown, folder: string | null = null): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return true;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_IOERR') || folder === null) return false;
  const free = freeBytes(folder);
  return free !== null && free < NEARLY_FULL_BYTES;
}
