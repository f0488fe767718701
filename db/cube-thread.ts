import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { type CubeState, RollupCube } from './cube.ts';
import type { Month } from './months.ts';
import { typescriptWorkerSource } from './typescript-worker.ts';

interface ThreadData {
  thuocdoCube: { file: string; today: Month };
}

type Reply = { state: CubeState } | { failed: string };

/**
 * Reads a whole cube in a worker thread, so that a server's event loop is not held for the
 * seconds it takes at scale (4 s at bench scale). Its arrays are SharedArrayBuffers: the thread
 * hands them over without a copy, and the text it parsed dies with it.
 */
export function loadCubeInThread(file: string, today: Month): Promise<RollupCube> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(typescriptWorkerSource(import.meta.url, "require('node:worker_threads').parentPort.postMessage({ failed: String(err) })"), {
      eval: true,
      workerData: { thuocdoCube: { file, today } } satisfies ThreadData,
    });
    worker.once('message', (reply: Reply) => {
      void worker.terminate();
      if ('state' in reply) resolve(RollupCube.fromState(reply.state));
      else reject(new Error(`cube thread: ${reply.failed}`));
    });
    worker.once('error', reject);
    // A server that closes does not wait for a read nobody will use.
    worker.unref();
  });
}

if (!isMainThread && (workerData as Partial<ThreadData> | null)?.thuocdoCube) {
  const { file, today } = (workerData as ThreadData).thuocdoCube;
  let reply: Reply;
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    sqlite.pragma('busy_timeout = 5000');
    reply = { state: sqlite.transaction(() => RollupCube.load(sqlite, today))().state };
  } catch (e) {
    reply = { failed: String(e) };
  } finally {
    sqlite.close();
  }
  parentPort!.postMessage(reply);
}
