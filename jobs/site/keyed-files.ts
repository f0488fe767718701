import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LANGS, localePath } from '../../web/i18n.ts';
import { linkWithSiblings, writeFile } from './sink.ts';

/**
 * The files of one page's worth of figures (a commune's, a province's), keyed by those figures:
 * the same key, the same bytes, as each carries its own times. A quick build links the live
 * build's files of an unchanged key instead of writing them: a one-province batch rewrites that
 * province's pages, not all 34 (each ~0.5 MB at bench scale), nor 3,321 communes'. A build says
 * what each set was made from in a manifest, for the next build to compare.
 */
export class KeyedFiles {
  private readonly before: Record<string, string>;
  private readonly keys: Record<string, string> = {};
  written = 0;
  linked = 0;

  /** `live`: the build to link from, or null to write everything (a full build: a template may have changed). */
  constructor(
    private readonly siteDir: string,
    private readonly live: string | null,
    private readonly manifest: string,
  ) {
    this.before = live ? readKeys(join(live, manifest)) : {};
  }

  /** Links `files` (relative to the build) from the live build if `figures` made them there; otherwise calls `write`. */
  put(id: string, figures: unknown, files: string[], write: () => void): void {
    const key = createHash('sha256').update(JSON.stringify(figures)).digest('base64url').slice(0, 22);
    this.keys[id] = key;
    const live = this.live;
    if (live && this.before[id] === key && files.every((f) => existsSync(join(live, f)))) {
      for (const f of files) linkWithSiblings(join(live, f), join(this.siteDir, f));
      this.linked++;
      return;
    }
    write();
    this.written++;
  }

  /** Writes the manifest: after every put. */
  close(): void {
    writeFile(join(this.siteDir, this.manifest), JSON.stringify(this.keys));
  }
}

/** A page's index.html in each language, relative to the build: the files put() is given for it. */
export const pageFiles = (path: string): string[] => LANGS.map((lang) => `${localePath(lang, path).slice(1)}index.html`);

function readKeys(path: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}
