import { alive, descendants } from './proc.ts';

/**
 * A last resort for when the bench dies (an uncaught error, Ctrl-C) before its finally blocks
 * run: `fn` must be synchronous, as it runs on 'exit'. Returns the function that disarms it.
 */
export function onAbort(fn: () => void): () => void {
  const interrupted = () => process.exit(130);
  process.once('exit', fn);
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  return () => {
    process.off('exit', fn);
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  };
}

/** Kills a process we started, ignoring one that is already gone. */
export function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already exited.
  }
}

/** Waits for a graceful stop, then kills: a server stuck in shutdown must not hang the bench. */
export async function stopWithin(stop: () => Promise<void>, pid: number, seconds: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      kill(pid, 'SIGKILL');
      resolve();
    }, seconds * 1000);
  });
  await Promise.race([stop(), late]);
  clearTimeout(timer);
}

/**
 * Stops a server, then whatever it started: its site builder finishes the build in hand
 * before it notices, and would write into a folder the bench is about to remove.
 */
export async function stopTree(stop: () => Promise<void>, pid: number): Promise<void> {
  const family = descendants(pid);
  await stopWithin(stop, pid, 60);
  for (const child of family) kill(child, 'SIGTERM');
  for (let i = 0; i < 100 && family.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
  for (const child of family) kill(child, 'SIGKILL');
}
