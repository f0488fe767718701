import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { openDb } from '../open.ts';
import { typescriptWorkerSource } from '../typescript-worker.ts';
import { type BodyKind, type Format, type IngestOutcome, type Writer, ingestUpload } from './ingest.ts';

/** Runs batches on a connection of its own, off the caller's thread. */
export interface IngestRunner {
  ingest: (body: Buffer, format: Format, writer: Writer, kind?: BodyKind, dryRun?: boolean) => Promise<IngestOutcome>;
  /** Lets batches already sent finish, then stops the thread. */
  close: () => Promise<void>;
}

interface Request {
  id: number;
  body: Buffer;
  format: Format;
  writer: Writer;
  kind: BodyKind;
  dryRun: boolean;
}
// `code` is the error's own (SQLITE_FULL, SQLITE_BUSY…): the server answers by it.
type Reply = { id: number; outcome: IngestOutcome } | { id: number; error: string; code?: string } | { failed: string };

/**
 * Ingests in a worker thread with its own connection to the database file. better-sqlite3 is
 * synchronous: a 60,000-row batch in the server's thread would hold every reader for a second.
 * Off it, readers keep answering from WAL snapshots (the old state, then the new one) while the
 * batch is written in one transaction as before. If the thread cannot start, batches are
 * ingested on `fallback`, the caller's own connection.
 */
export function ingestWorker(file: string, fallback: Database.Database): IngestRunner {
  let worker: Worker | null = null;
  // An in-memory database cannot be opened twice: its batches are stored on the caller's connection.
  let broken = file === ':memory:';
  let nextId = 0;
  let lastAnswer: Promise<unknown> = Promise.resolve();
  const waiting = new Map<number, { request: Request; resolve: (o: IngestOutcome) => void; reject: (e: Error) => void }>();
  // One batch at a time on the caller's connection too: a spreadsheet is read asynchronously.
  let inlineQueue: Promise<unknown> = Promise.resolve();
  const inline = (r: Request): Promise<IngestOutcome> => {
    const answer = inlineQueue.then(() => ingestUpload(fallback, r.body, r.format, r.writer, { kind: r.kind, dryRun: r.dryRun }));
    inlineQueue = answer.catch(() => undefined);
    return answer;
  };

  const start = () => {
    const started = new Worker(typescriptWorkerSource(import.meta.url, "require('node:worker_threads').parentPort.postMessage({ failed: String(err) })"), {
      eval: true,
      workerData: { thuocdoIngest: { file } },
    });
    started.on('message', (reply: Reply) => {
      if ('failed' in reply) {
        // Never started: what was sent is done here instead.
        broken = true;
        void started.terminate();
        for (const [id, w] of waiting) {
          waiting.delete(id);
          inline(w.request).then(w.resolve, w.reject);
        }
        return;
      }
      const w = waiting.get(reply.id);
      waiting.delete(reply.id);
      if ('outcome' in reply) w?.resolve(reply.outcome);
      else w?.reject(Object.assign(new Error(reply.error), reply.code === undefined ? {} : { code: reply.code }));
    });
    started.on('error', (err) => {
      for (const w of waiting.values()) w.reject(err);
      waiting.clear();
    });
    started.on('exit', () => {
      if (worker === started) worker = null;
      // A thread that died mid-batch rolled its transaction back: nothing of it is stored.
      for (const w of waiting.values()) w.reject(new Error('the ingest thread stopped; nothing of the batch was stored'));
      waiting.clear();
    });
    return started;
  };

  return {
    ingest: (body, format, writer, kind = 'observations', dryRun = false) => {
      const request: Request = { id: nextId++, body, format, writer, kind, dryRun };
      if (broken) return inline(request);
      worker ??= start();
      const thread = worker;
      const answer = new Promise<IngestOutcome>((resolve, reject) => {
        waiting.set(request.id, { request, resolve, reject });
        thread.postMessage(request);
      });
      lastAnswer = answer.catch(() => undefined);
      return answer;
    },
    close: async () => {
      const thread = worker;
      worker = null;
      if (!thread) return;
      // Batches in flight finish first: the thread answers them in order, so the last one is enough.
      await lastAnswer;
      await thread.terminate();
    },
  };
}

// The thread: one connection, batches one at a time in the order they came (a spreadsheet is
// read asynchronously, so each batch waits for the one before it).
if (!isMainThread && (workerData as { thuocdoIngest?: { file: string } } | null)?.thuocdoIngest) {
  const db = openDb((workerData as { thuocdoIngest: { file: string } }).thuocdoIngest.file);
  let queue: Promise<void> = Promise.resolve();
  const handle = async (r: Request) => {
    let reply: Reply;
    try {
      const body = Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength);
      reply = { id: r.id, outcome: await ingestUpload(db.sqlite, body, r.format, r.writer, { kind: r.kind, dryRun: r.dryRun }) };
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      reply = { id: r.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err), ...(typeof code === 'string' ? { code } : {}) };
    }
    parentPort!.postMessage(reply);
  };
  parentPort!.on('message', (r: Request) => {
    queue = queue.then(() => handle(r));
  });
}
