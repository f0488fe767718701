import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, type MessagePort, Worker, isMainThread, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { type CubeState, RollupCube } from '../../db/cube.ts';
import { typescriptWorkerSource } from '../../db/typescript-worker.ts';
import type { DataResource } from '../../web/model.ts';
import { type DrawnImages, type ImageOptions, drawChartImages, drawNewImages, linkLiveImages } from './images.ts';
import { type SiteFigures, type SiteInputs, deriveFigures } from './model.ts';
import { writeServiceData } from './open-data.ts';
import { SERVICE_EMBED_FOLDERS, chartImages, isServiceChart, servicePageFolders, writeServicePages } from './pages.ts';
import { linkBuild } from './publish.ts';
import { deferSiblings, makeFoldersAhead, takeDeferredSiblings } from './sink.ts';

/** What the services' part wrote: pages, the open-data files for the datapackage.json, chart images for the manifest. */
export interface ServicePart {
  pages: number;
  resources: DataResource[];
  images: DrawnImages;
  /** The embeds were linked from the live build, to be written after publishing (a quick build). */
  embedsLinked: boolean;
  /** Files (relative to the build) whose compressed siblings this thread left for later (sink.ts). */
  siblingsLater: string[];
}

export interface ServicePartOptions {
  images: Omit<ImageOptions, 'threads'>;
  /** A quick build links every image of this build (the builder's too) instead of planning each (images.ts linkLiveImages). */
  linkImagesFrom: string | null;
  /** A quick build links the services' embeds from this build, when it has them. */
  linkEmbedsFrom: string | null;
  /** A quick build leaves the compressed siblings for later (sink.ts deferSiblings). */
  siblingsLater: boolean;
}

/**
 * The services' part of a build: their pages, embeds, tables, chart files and chart images, most
 * of the files. It needs the figures only (no watch list), so a second thread can write it from
 * the start.
 */
export function writeServicePart(siteDir: string, figures: SiteFigures, options: ServicePartOptions): ServicePart {
  const embedsLinked = options.linkEmbedsFrom !== null && linkEmbeds(options.linkEmbedsFrom, siteDir);
  return {
    resources: writeServiceData(siteDir, figures),
    pages: writeServicePages(siteDir, figures, { embeds: !embedsLinked }),
    // On this thread alone: in a full build the builder's thread is busy for longer with the
    // observation dump, so another drawing thread would cost memory, not time.
    images: serviceImages(siteDir, figures, options),
    embedsLinked,
    siblingsLater: [],
  };
}

function serviceImages(siteDir: string, figures: SiteFigures, options: ServicePartOptions): DrawnImages {
  const images = chartImages(figures).filter(isServiceChart);
  if (options.linkImagesFrom !== null) return drawNewImages(siteDir, images, linkLiveImages(options.linkImagesFrom, siteDir));
  return drawChartImages(siteDir, images, { ...options.images, threads: 1 });
}

/** Links the services' embeds from another build; false (linking nothing) if it has none. */
function linkEmbeds(from: string, to: string): boolean {
  if (!SERVICE_EMBED_FOLDERS.every((folder) => existsSync(join(from, folder)))) return false;
  for (const folder of SERVICE_EMBED_FOLDERS) linkBuild(join(from, folder), join(to, folder));
  return true;
}

interface Job {
  siteDir: string;
  inputs: SiteInputs;
  cube: CubeState;
  options: ServicePartOptions;
}
type Reply = { part: ServicePart } | { error: string } | { failed: string };

/** Slot of the shared Int32Array: 1 once the thread has answered the current job. */
const ANSWERED = 0;
/** A job that takes longer than this is taken to have hung. */
const JOB_TIMEOUT_MS = 10 * 60_000;

interface ThreadData {
  port: MessagePort;
  signal: SharedArrayBuffer;
}

function isThreadData(data: unknown): data is { thuocdoPages: ThreadData } {
  return typeof data === 'object' && data !== null && 'thuocdoPages' in data;
}

function wake(answered: Int32Array): void {
  Atomics.store(answered, ANSWERED, 1);
  Atomics.notify(answered, ANSWERED);
}

if (!isMainThread && isThreadData(workerData)) {
  const { port, signal } = workerData.thuocdoPages;
  const answered = new Int32Array(signal);
  port.on('message', (job: Job) => {
    let reply: Reply;
    try {
      // The folders are made meanwhile, while this thread derives the figures.
      makeFoldersAhead(servicePageFolders(job.siteDir, job.inputs.services.map((s) => s.code)));
      // Without a thread, the part is written on the builder's, whose own deferral lists these files.
      if (job.options.siblingsLater) deferSiblings(job.siteDir);
      const part = writeServicePart(job.siteDir, deriveFigures(job.inputs, RollupCube.fromState(job.cube)), job.options);
      reply = { part: { ...part, siblingsLater: takeDeferredSiblings(job.siteDir) } };
    } catch (err) {
      takeDeferredSiblings(job.siteDir);
      reply = { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
    port.postMessage(reply);
    wake(answered);
  });
  // A thread that dies wakes the waiting builder too, which then finds no answer.
  process.on('exit', () => wake(answered));
}

/** Said by the thread when it cannot load this module: the parent then writes the part itself. */
const ON_FAIL = `const d = require('node:worker_threads').workerData.thuocdoPages;
  d.port.postMessage({ failed: String(err) });
  const a = new Int32Array(d.signal); Atomics.store(a, 0, 1); Atomics.notify(a, 0);`;

/**
 * A long-lived worker thread that writes the services' part of each build while the builder's
 * thread writes the rest. The build stays synchronous: `start` posts the job, `finish` waits on
 * a shared flag (Atomics.wait) and reads the answer with receiveMessageOnPort. Without a thread
 * (one-off builds) or if it cannot start, `finish` writes the part on the caller's thread.
 */
export class PageThread {
  private worker: Worker | null = null;
  private port: MessagePort | null = null;
  private readonly answered = new Int32Array(new SharedArrayBuffer(4));
  private job: { siteDir: string; options: ServicePartOptions; onThread?: boolean } | null = null;
  private broken: boolean;

  /** With a thread, it starts now: it loads its modules while the builder reads the database. */
  constructor(options: { thread: boolean }) {
    this.broken = !options.thread;
    if (options.thread) this.spawnOrBreak();
  }

  /** Starts the part on the thread; without one, `finish` writes it. */
  start(siteDir: string, inputs: SiteInputs, cube: RollupCube, options: ServicePartOptions): void {
    this.job = { siteDir, options };
    const port = this.broken ? null : (this.port ?? this.spawnOrBreak());
    if (!port) return;
    Atomics.store(this.answered, ANSWERED, 0);
    port.postMessage({ siteDir, inputs, cube: cube.state, options } satisfies Job);
    this.job.onThread = true;
  }

  /** Waits for the part started last and returns what it wrote. `figures` are this thread's, for writing it here. */
  finish(figures: SiteFigures): ServicePart {
    const job = this.job;
    if (!job) throw new Error('no services part was started');
    this.job = null;
    const here = () => writeServicePart(job.siteDir, figures, job.options);
    if (!job.onThread) return here();
    const reply = this.answer();
    if (!reply || 'failed' in reply) {
      console.warn(`Thước đo: the page thread stopped, writing every page on one thread: ${reply?.failed ?? 'no answer'}`);
      this.close();
      this.broken = true;
      return here();
    }
    if ('error' in reply) throw new Error(`page thread: ${reply.error}`);
    return reply.part;
  }

  /** Waits for the part started last and drops it: the build failed. */
  abandon(): void {
    if (this.job?.onThread) this.answer();
    this.job = null;
  }

  private answer(): Reply | undefined {
    if (Atomics.wait(this.answered, ANSWERED, 0, JOB_TIMEOUT_MS) === 'timed-out') {
      this.close();
      throw new Error('the page thread did not finish the services part');
    }
    return this.port ? (receiveMessageOnPort(this.port)?.message as Reply | undefined) : undefined;
  }

  /** Stops the thread (a builder that is done). */
  close(): void {
    this.port?.close();
    void this.worker?.terminate();
    this.port = null;
    this.worker = null;
  }

  /** A new thread's port, or null (and no more tries) if threads cannot be made here. */
  private spawnOrBreak(): MessagePort | null {
    try {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(typescriptWorkerSource(import.meta.url, ON_FAIL), {
        eval: true,
        execArgv: [],
        workerData: { thuocdoPages: { port: port2, signal: this.answered.buffer } satisfies ThreadData },
        transferList: [port2],
      });
      // A failure shows as a 'failed' answer or a timeout; a late 'error' event must not end the process.
      worker.on('error', () => {});
      worker.unref();
      port1.unref();
      this.worker = worker;
      return (this.port = port1);
    } catch {
      this.broken = true;
      return null;
    }
  }
}
