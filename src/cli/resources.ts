// How much of the machine a run may use: worker threads and the visited table's memory.
// Every default is here: workers, one per core; memory, half of what is free at start,
// at most 4 GiB (more with --memory, up to 16 GiB: the table's largest size is 8 GiB).

import { availableParallelism, freemem } from 'node:os';
import { MAX_MEMORY, MIN_MEMORY, parseSize } from '../scenario/size.js';
import { InputError } from './run.js';

export interface Resources {
  workers: number;
  memoryBytes: number;
  /** States the main thread stores before handing off to workers (tests set it low). */
  handoffAfter?: number;
}

const GiB = 2 ** 30;

export const DEFAULT_RESOURCES: Resources = {
  workers: Math.max(1, availableParallelism()),
  memoryBytes: Math.min(4 * GiB, Math.floor(freemem() / 2)),
};

export function workersOption(v: number | undefined): number {
  if (v === undefined) return DEFAULT_RESOURCES.workers;
  if (!Number.isInteger(v) || v < 1 || v > 64) throw new InputError(`ptmc: --workers: must be an integer from 1 to 64 (got ${v})`);
  return v;
}

/** --memory: bytes, or a number with K, M or G (binary units), e.g. 512M, 2G; undefined if not given. */
export function memoryOption(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const bytes = parseSize(v);
  if (bytes === null || bytes < MIN_MEMORY || bytes > MAX_MEMORY)
    throw new InputError(`ptmc: --memory: must be a size from 1M to 16G, e.g. 512M or 2G (got ${v})`);
  return Math.floor(bytes);
}

export function formatBytes(n: number): string {
  return n >= GiB ? `${(n / GiB).toFixed(1)} GiB` : `${Math.ceil(n / 2 ** 20)} MiB`;
}
