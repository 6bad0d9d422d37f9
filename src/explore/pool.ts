// The worker pool: long-lived Piscina workers, one long task each (the tasks coordinate
// through shared memory, not through Piscina's queue). The pool is always destroyed, so
// no worker outlives the command; a task that throws is reported, not rethrown.

import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { compiledUrl } from './searchSource.js';

export type Settled<R> = { ok: true; value: R } | { ok: false; error: string };

/**
 * Run tasks[i] on worker i, all at once; `watch` runs on the main thread every 50 ms until
 * they settle (progress, Ctrl-C, deadlines) and `onSettled` hears each one as it ends.
 */
export async function runOnWorkers<T, R>(tasks: T[], watch: () => void, onSettled: (i: number, r: Settled<R>) => void): Promise<Settled<R>[]> {
  const filename = fileURLToPath(new URL('./worker.js', compiledUrl(import.meta.url)));
  const pool = new Piscina<T, R>({ filename, minThreads: tasks.length, maxThreads: tasks.length, idleTimeout: 1000, concurrentTasksPerWorker: 1 });
  const timer = setInterval(watch, 50);
  try {
    return await Promise.all(tasks.map((t, i) => pool.run(t).then(
      (value): Settled<R> => ({ ok: true, value }),
      (e: unknown): Settled<R> => ({ ok: false, error: e instanceof Error ? e.message : String(e) }),
    ).then((r) => {
      onSettled(i, r);
      return r;
    })));
  } finally {
    clearInterval(timer);
    await pool.destroy();
  }
}
