import { readFile, stat } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

/**
 * The files of a folder over plain HTTP on 127.0.0.1, as any static host would send them: no
 * compression, a Content-Length and a content type. Clients that read URLs (pandas, R, urllib)
 * then meet the published files exactly as they are on disk.
 */
export interface StaticServer {
  /** With a trailing slash. */
  base: string;
  close: () => Promise<void>;
}

const TYPES: Record<string, string> = {
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.zip': 'application/zip',
  '.xml': 'application/atom+xml',
};

export async function serveFolder(root: string): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      const file = join(root, path);
      if (!file.startsWith(root + sep) || !(await stat(file).catch(() => null))?.isFile()) {
        res.writeHead(404).end();
        return;
      }
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    base: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
