import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Writes a file synchronously in large chunks, so millions of lines never sit in memory. */
export class FileSink {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  bytes = 0;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
  }

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size > 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    this.bytes += writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }

  close(): number {
    this.flush();
    closeSync(this.fd);
    return this.bytes;
  }
}

/** Writes a whole small file, making its folder. */
export function writeFile(path: string, data: string | Uint8Array): number {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
}

/** Codes become folder and file names: only plain ones, never "." or "..". */
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Joins a path under `root` from parts that each must be a plain name. */
export function safeJoin(root: string, ...parts: string[]): string {
  const bad = parts.find((p) => !SAFE_SEGMENT.test(p));
  if (bad !== undefined) throw new Error(`unsafe name for a published file: ${JSON.stringify(bad)}`);
  return join(root, ...parts);
}
