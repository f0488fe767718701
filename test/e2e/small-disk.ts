import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real, small file system (tmpfs), so that a disk can be filled without filling the machine's. */
export interface SmallDisk {
  path: string;
  /** Bytes still free on it. */
  free: () => number;
  /** Unmounts it (retrying while a killed process still holds a file) and removes the mount point. */
  remove: () => Promise<void>;
}

const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
const why = (err: unknown) => ((err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message).split('\n')[0];

/** Null when a tmpfs can be mounted here, else why not (not root, no mount(8), a container without the capability). */
export function cannotMount(): string | null {
  if (process.platform !== 'linux') return `mounting a tmpfs needs Linux, this is ${process.platform}`;
  if (process.getuid?.() !== 0) return `mounting a tmpfs needs root, this runs as uid ${process.getuid?.()}`;
  const probe = mkdtempSync(join(tmpdir(), 'thuocdo-mount-probe-'));
  try {
    run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]);
    run('umount', [probe]);
    return null;
  } catch (err) {
    return `mount -t tmpfs failed: ${why(err)}`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

export function mountSmallDisk(megabytes: number): SmallDisk {
  const path = mkdtempSync(join(tmpdir(), 'thuocdo-small-disk-'));
  run('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', path]);
  return {
    path,
    free: () => {
      const fs = statfsSync(path);
      return fs.bavail * fs.bsize;
    },
    remove: async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          run('umount', [path]);
          break;
        } catch (err) {
          // A SIGKILLed site builder may take a moment to let go of its files; after that, detach it anyway.
          if (attempt === 20) {
            run('umount', ['-l', path]);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** A file that takes up all of a disk's space but what `leaveFree` leaves. */
export interface Filler {
  /** Grows or shrinks the filler so that `bytes` are free (in whole pages). */
  leaveFree: (bytes: number) => void;
  remove: () => void;
}

/** Writes zeros into `filler` on the disk until it says ENOSPC. */
export function fillDisk(disk: SmallDisk): Filler {
  const path = join(disk.path, 'filler');
  const fd = openSync(path, 'w');
  const zeros = Buffer.alloc(1 << 20);
  let size = 0;
  const fill = () => {
    // Large writes first, then page by page into the last megabyte.
    for (const step of [zeros.length, 4096]) {
      for (;;) {
        try {
          const wrote = writeSync(fd, zeros, 0, step, size);
          size += wrote;
          if (wrote < step) break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  };
  fill();
  return {
    leaveFree: (bytes) => {
      // Whatever others wrote or freed meanwhile: fill up again, then give back exactly `bytes`.
      fill();
      size = Math.max(0, size - bytes);
      ftruncateSync(fd, size);
    },
    remove: () => {
      closeSync(fd);
      unlinkSync(path);
    },
  };
}
