import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { statusMiB } from './proc.ts';

export interface RunningServer {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Starts `npm start`'s entry point as one node process (no tsx wrapper), so its RSS is the server's. */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/server.ts'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await answers(`${url}/api/v1/health`, child, 30);
  return { url, pid: child.pid!, stop: () => stopChild(child, 'SIGTERM') };
}

/** Polls a URL until it answers 2xx (true) or `seconds` pass (false); throws if the child exits first. */
export async function answers(url: string, child: ChildProcess, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 10; i++) {
    if (child.exitCode !== null) throw new Error(`${child.spawnfile} exited with ${child.exitCode}`);
    const ok = await fetch(url).then((res) => res.ok, () => false);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    // A child that already died would never emit 'exit' again.
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Peak resident memory of a process so far, in MiB (Linux VmHWM). */
export function peakRssMiB(pid: number): number {
  return statusMiB(pid, 'VmHWM');
}
