/**
 * The threads that draw: the build is synchronous, so the other cores are used by worker threads
 * that take images from a shared counter while this thread draws too, and this thread waits on
 * the counters with Atomics.wait. A worker that cannot start (it loads this TypeScript file
 * through tsx) never takes an image, so this thread simply draws them all.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, Worker, isMainThread, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { typescriptWorkerSource } from '../../../db/typescript-worker.ts';
import { type ChartImage, chartImagePaths } from '../../../web/charts.ts';
import { writeFile } from '../sink.ts';
import { Renderer } from './drawing.ts';
import { setUp } from './fonts.ts';
import { sitePath } from './manifest.ts';

/** Draws one image and writes its PNG and SVG. */
function writeImage(siteDir: string, renderer: Renderer, image: ChartImage): void {
  const { png, svg } = chartImagePaths(image.ref, image.lang);
  const out = renderer.draw(image);
  writeFile(sitePath(siteDir, png), out.png);
  writeFile(sitePath(siteDir, svg), out.svg);
}

/** Slots of the shared Int32Array. */
const NEXT = 0;
const PENDING = 1;
const FAILED = 2;
const DONE = 3;
/** Set to make the threads of a background drawing finish the image in hand and quit. */
const STOPPED = 4;
const SLOTS = 5;
/** Below this many images a worker's start-up (~0.3 s) costs more than it saves. */
const MIN_PARALLEL = 24;
/** A worker that draws nothing for this long is taken to have died. */
const STALL_MS = 120_000;

interface WorkerJob {
  siteDir: string;
  images: ChartImage[];
  state: SharedArrayBuffer;
  port: MessagePort;
}

function isWorkerJob(data: unknown): data is { thuocdoImages: WorkerJob } {
  return typeof data === 'object' && data !== null && 'thuocdoImages' in data;
}

/** Takes images until none are left; on an error, stops everyone and reports it on the port. */
function drawShare(job: Omit<WorkerJob, 'port'>, onError: (err: unknown) => void): void {
  const state = new Int32Array(job.state);
  let renderer: Renderer | null = null;
  try {
    for (;;) {
      // Counted as pending before taking an index, so the waiting thread never misses it.
      Atomics.add(state, PENDING, 1);
      try {
        const i = Atomics.add(state, NEXT, 1);
        if (i >= job.images.length || Atomics.load(state, FAILED) || Atomics.load(state, STOPPED)) break;
        if (!renderer) {
          setUp();
          renderer = new Renderer();
        }
        writeImage(job.siteDir, renderer, job.images[i]!);
        Atomics.add(state, DONE, 1);
      } catch (err) {
        onError(err);
        Atomics.store(state, FAILED, 1);
        Atomics.store(state, NEXT, job.images.length);
        break;
      } finally {
        Atomics.sub(state, PENDING, 1);
        Atomics.notify(state, PENDING);
      }
    }
  } finally {
    renderer?.destroy();
  }
}

if (!isMainThread && isWorkerJob(workerData)) {
  const job = workerData.thuocdoImages;
  drawShare(job, (err) => job.port.postMessage({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
  job.port.close();
}

/** Worker code: loads this module (threads.ts), whose lines above do the work. */
const bootstrap = () =>
  typescriptWorkerSource(import.meta.url, "require('node:worker_threads').workerData.thuocdoImages.port.postMessage({ warning: String(err) })");

function imageWorker(code: string, job: Omit<WorkerJob, 'port'>): { worker: Worker; port: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(code, { eval: true, execArgv: [], workerData: { thuocdoImages: { ...job, port: port2 } }, transferList: [port2] });
  // Failures that matter come through the port or show as a stall; an 'error' event
  // arriving after the drawing is over must not bring the process down.
  worker.on('error', () => {});
  worker.unref();
  return { worker, port: port1 };
}

/** A worker's report: an error fails the drawing, a warning (it could not start) is logged. */
function workerReport(message: { error?: string; warning?: string }): Error | null {
  if (message.warning) console.warn(`Thước đo: an image worker did not start: ${message.warning}`);
  return message.error ? new Error(`image worker: ${message.error}`) : null;
}

export const defaultThreads = () => Math.min(4, availableParallelism());

/**
 * Draws images on worker threads while this thread stays free for other work (a redraw between
 * builds). `stop()` ends the threads, even mid-image (the caller drops the folder). `done`
 * resolves true when every image is drawn, false when stopped first; it rejects on an error.
 * If no worker could start, this thread draws what is left, at once.
 */
export function drawInBackground(siteDir: string, images: ChartImage[], threads = defaultThreads()): { done: Promise<boolean>; stop: () => void } {
  const state = new Int32Array(new SharedArrayBuffer(4 * SLOTS));
  const job = { siteDir, images, state: state.buffer as SharedArrayBuffer };
  const workers: Worker[] = [];
  if (images.length === 0) return { done: Promise.resolve(true), stop: () => {} };
  setUp();
  const done = new Promise<boolean>((resolve, reject) => {
    let running = 0;
    let failure: Error | null = null;
    const settle = () => {
      if (running > 0) return;
      if (!failure && !Atomics.load(state, STOPPED) && Atomics.load(state, DONE) < images.length) drawShare(job, (err) => (failure = err as Error));
      if (failure) reject(failure);
      else resolve(Atomics.load(state, DONE) >= images.length);
    };
    try {
      const code = bootstrap();
      for (let t = 0; t < threads; t++) {
        const { worker, port } = imageWorker(code, job);
        workers.push(worker);
        running++;
        port.on('message', (m: { error?: string; warning?: string }) => (failure ??= workerReport(m)));
        worker.on('exit', () => {
          port.close();
          running--;
          settle();
        });
      }
    } catch {
      // No threads here: settle() draws on this thread.
    }
    settle();
  });
  const stop = () => {
    Atomics.store(state, STOPPED, 1);
    // A thread may still be starting (seconds of module loading): no need to wait for it.
    for (const worker of workers) void worker.terminate();
  };
  return { done, stop };
}

export function drawAll(siteDir: string, images: ChartImage[], threads: number): void {
  const state = new Int32Array(new SharedArrayBuffer(4 * SLOTS));
  const job = { siteDir, images, state: state.buffer as SharedArrayBuffer };
  const workers: Array<{ worker: Worker; port: MessagePort }> = [];
  let failure: unknown = null;
  setUp();
  try {
    const code = threads > 1 && images.length >= MIN_PARALLEL ? bootstrap() : null;
    for (let t = 1; code && t < threads; t++) {
      workers.push(imageWorker(code, job));
    }
  } catch {
    // No threads here: this one draws everything.
  }
  drawShare(job, (err) => (failure = err));
  // Wait for images the workers are still drawing.
  let done = Atomics.load(state, DONE);
  let since = performance.now();
  for (let pending = Atomics.load(state, PENDING); pending > 0; pending = Atomics.load(state, PENDING)) {
    Atomics.wait(state, PENDING, pending, 1000);
    const now = Atomics.load(state, DONE);
    if (now !== done) [done, since] = [now, performance.now()];
    else if (performance.now() - since > STALL_MS) {
      failure ??= new Error('an image worker stopped drawing');
      break;
    }
  }
  for (const { worker, port } of workers) {
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) failure ??= workerReport(m.message as { error?: string; warning?: string });
    port.close();
    void worker.terminate();
  }
  if (failure) throw failure;
}
