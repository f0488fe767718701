import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeFoldersAhead, writeFile } from '../../../jobs/site/sink.ts';
import { tempDir } from '../../helper.ts';

describe('folders made once', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => void (dir = tempDir('thuocdo-sink-')));
  afterEach(() => dir.remove());

  it('makes folders ahead, and files go into them whether or not they are made yet', async () => {
    const folders = Array.from({ length: 50 }, (_, i) => join(dir.path, 'build', 'services', `S${i}`));
    makeFoldersAhead(folders);
    // Some files go in at once, before libuv has made their folders.
    for (const folder of folders.slice(0, 25)) writeFile(join(folder, 'index.html'), folder);
    await vi.waitFor(() => expect(folders.every((f) => existsSync(f))).toBe(true));
    for (const folder of folders.slice(25)) writeFile(join(folder, 'index.html'), folder);
    for (const folder of folders) expect(readFileSync(join(folder, 'index.html'), 'utf8')).toBe(folder);
  });

  it('makes a folder again when the build it was in was removed and written again', () => {
    const file = join(dir.path, 'build', 'data', 'a.csv');
    writeFile(file, 'one');
    rmSync(join(dir.path, 'build'), { recursive: true });
    writeFile(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
  });
});
