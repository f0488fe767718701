import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { answers, freePort, stopChild } from './server.ts';

export const NGINX = '/usr/sbin/nginx';

export interface RunningNginx {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

/**
 * The reference for static pages: Debian's nginx serving the same site folder, as a
 * non-daemon child with every path in `dir`. Null when nginx is not installed.
 */
export async function startNginx(siteDir: string, dir: string): Promise<RunningNginx | null> {
  if (!existsSync(NGINX)) return null;
  const port = await freePort();
  mkdirSync(join(dir, 'temp'), { recursive: true });
  const temp = (name: string) => `${name}_temp_path ${join(dir, 'temp', name)};`;
  const config = `
daemon off;
# One worker, as our server answers on one event loop.
worker_processes 1;
${process.getuid?.() === 0 ? `user ${userInfo().username};  # as root, workers would otherwise run as nobody and not read the temp dir` : ''}
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  tcp_nopush on;
  # autocannon keeps its connections; don't make nginx alone pay for reconnecting.
  keepalive_requests 1000000;
  # Ours does not compress (no @fastify/compress, not preCompressed), so neither does this.
  gzip off;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  server {
    listen 127.0.0.1:${port};
    # The SITE_DIR symlink itself, not its target: a publish swaps it, and with no
    # open_file_cache nginx follows it on every request, as @fastify/static does.
    root ${resolve(siteDir)};
    index index.html;
    location / { try_files $uri $uri/ =404; }
  }
}
`;
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, config);
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-e', join(dir, 'error.log'), '-c', file], { stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  // TERM, not KILL: the master takes its worker down with it.
  const stop = () => stopChild(child, 'SIGTERM');
  if (await answers(`${url}/`, child, 10).catch(() => false)) return { url, pid: child.pid!, stop };
  await stop();
  throw new Error(`nginx did not serve the site; see ${join(dir, 'error.log')}`);
}
