import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PullError } from './errors.ts';

/** Where a drop folder's files go once read: kept, never deleted, so nothing sent is lost. */
export const PROCESSED = 'processed';
export const REJECTED = 'rejected';

export interface DroppedFile {
  name: string;
  path: string;
  size: number;
}

/**
 * The files ready to load, oldest name first (files named by month load in order, so a later
 * revision wins). Hidden files, `.part`/`.tmp` files and files changed in the last `settleMs`
 * are still being copied in and are left for the next pull.
 */
export function readyFiles(folder: string, settleMs: number, now = Date.now()): DroppedFile[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (err) {
    throw new PullError(`cannot read the drop folder ${folder}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, false);
  }
  const files: DroppedFile[] = [];
  for (const name of names) {
    if (name.startsWith('.') || !/\.(csv|json)$/i.test(name)) continue;
    const path = join(folder, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    // mtime has sub-millisecond precision and `now` does not: a file written in the same
    // millisecond as the pull began would otherwise look newer than the pull.
    if (!stat?.isFile() || now - Math.floor(stat.mtimeMs) < settleMs) continue;
    files.push({ name, path, size: stat.size });
  }
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Moves a read file into processed/ or rejected/ under a name stamped with the time, so a file
 * dropped again with the same name never overwrites the earlier one. A rejected file gets its
 * errors beside it as JSON, for the sender to read.
 */
export function fileAway(folder: string, file: DroppedFile, into: typeof PROCESSED | typeof REJECTED, at: Date, errors?: unknown): string {
  const dir = join(folder, into);
  mkdirSync(dir, { recursive: true });
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  let target = join(dir, `${stamp}_${file.name}`);
  for (let n = 2; existsSync(target); n++) target = join(dir, `${stamp}_${n}_${file.name}`);
  renameSync(file.path, target);
  if (errors !== undefined) writeFileSync(`${target}.errors.json`, JSON.stringify(errors, null, 2) + '\n');
  return target;
}
