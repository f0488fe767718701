import fp from 'fastify-plugin';
import { RollupCube } from '../../db/cube.ts';
import { loadCubeInThread } from '../../db/cube-thread.ts';
import { currentMonth } from '../../db/months.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Runs `read` in one read transaction with the rollups in memory, brought up to date in that
     * same snapshot: for the answers that read every service (the indicators that count services,
     * the scorecard).
     */
    withRollups: <T>(read: (cube: RollupCube) => T) => Promise<T>;
    /** A batch was stored: the cube is brought up to date once batches stop coming, before anyone asks. */
    rollupsChanged: () => void;
  }
}

const RELOAD = Symbol('reload');
/** Quiet after the last batch before the cube follows: a history sent in parts is followed once. */
const FOLLOW_AFTER_MS = 5000;
/** Whole reads in a thread before a question reads the rollups here instead (batches kept outrunning the thread). */
const THREAD_TRIES = 2;

/**
 * Holds one cube, read whole in a worker thread (at start, and when a batch changed too much to
 * follow: 4 s at bench scale, which would hold every other request) and otherwise followed after
 * each batch by re-reading the area-months it changed.
 */
export default fp(
  async (fastify) => {
    const { sqlite, file } = fastify.db;
    let cube: RollupCube | null = null;
    let loading: Promise<RollupCube> | null = null;
    const read = async (): Promise<RollupCube> => {
      // An in-memory database cannot be opened by a second thread.
      if (file === ':memory:') return RollupCube.load(sqlite, currentMonth());
      try {
        return await loadCubeInThread(file, currentMonth());
      } catch (e) {
        fastify.log.error(e, 'reading the rollups in a thread failed: reading them here');
        return RollupCube.load(sqlite, currentMonth());
      }
    };
    const load = () =>
      (loading ??= read()
        .finally(() => (loading = null))
        .then((c) => {
          c.prepare();
          return (cube = c);
        }));

    /** The held cube brought up to date in this transaction, or (with `here`) read whole here; null: read it in the thread. */
    const current = (held: RollupCube, here: boolean): RollupCube | null => {
      const now = held.refreshedInPlace(sqlite, currentMonth()) ?? (here ? RollupCube.load(sqlite, currentMonth()) : null);
      if (now) cube = now;
      else if (cube === held) cube = null;
      return now;
    };

    fastify.decorate('withRollups', async <T>(fn: (cube: RollupCube) => T): Promise<T> => {
      // A batch may land while the thread reads: the cube it gives is followed like any other; if
      // large batches keep outrunning the thread, the question reads the rollups itself.
      for (let tries = 0; ; tries++) {
        const held = cube ?? (await load());
        const answer = sqlite.transaction(() => {
          const now = current(held, tries >= THREAD_TRIES);
          return now ? fn(now) : RELOAD;
        })();
        if (answer !== RELOAD) return answer as T;
      }
    });
    let follow: NodeJS.Timeout | null = null;
    // A batch may still be stored while the server shuts down: nothing is followed after that.
    let closed = false;
    fastify.decorate('rollupsChanged', () => {
      if (follow) clearTimeout(follow);
      if (closed) return;
      follow = setTimeout(() => {
        follow = null;
        if (closed) return;
        try {
          // Once: followed here, or read again in the thread (a question follows what lands meanwhile).
          const held = cube;
          const followed = held ? sqlite.transaction(() => current(held, false))() : null;
          if (followed) followed.prepare();
          else void load().catch((e: unknown) => fastify.log.error(e, 'reading the rollups failed'));
        } catch (e) {
          fastify.log.error(e, 'following the rollups failed');
        }
      }, FOLLOW_AFTER_MS).unref();
    });
    fastify.addHook('onClose', async () => {
      closed = true;
      if (follow) clearTimeout(follow);
    });
    if (file !== ':memory:') fastify.addHook('onReady', async () => void load().catch(() => {}));
  },
  { name: 'rollups', dependencies: ['db'] },
);
