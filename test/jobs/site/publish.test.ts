import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeInPieces } from '../../../jobs/site/publish.ts';
import { tempDir } from '../../helper.ts';

describe('removeInPieces', () => {
  let dir: ReturnType<typeof tempDir>;
  let retired: Set<string>;
  /** A build-like folder: 300 page folders, each with its index.html. */
  const fakeBuild = (name: string) => {
    const build = join(dir.path, name);
    for (let i = 0; i < 300; i++) {
      mkdirSync(join(build, 'services', `S${i}`), { recursive: true });
      writeFileSync(join(build, 'services', `S${i}`, 'index.html'), 'x');
    }
    retired.add(build);
    return build;
  };
  beforeEach(() => {
    dir = tempDir('thuocdo-retire-');
    retired = new Set();
  });
  afterEach(() => dir.remove());

  it('are deleted a piece at a time, stop when a build is waiting, and go at the next idle moment', async () => {
    const [a, b] = [fakeBuild('a'), fakeBuild('b')];
    let pieces = 0;
    await removeInPieces(retired, () => ++pieces > 10);
    expect(existsSync(a)).toBe(true);
    expect(retired).toEqual(new Set([a, b]));
    await removeInPieces(retired);
    expect(existsSync(a) || existsSync(b)).toBe(false);
    expect(retired.size).toBe(0);
  });
});
