// Where a worker gets its search from: the worker cannot be handed a Session (it holds
// closures and compiled code), so it is handed a module, an export and a serialisable
// argument, and builds its own. Scenarios use src/cli/scenarioSource.ts; tests use their
// helpers (compiled with the project, see tsconfig.json).

import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Reduction } from './reduction.js';
import type { Session } from './session.js';

export interface SearchSource {
  /** A file URL of compiled JavaScript. */
  module: string;
  /** The export: (arg) => SearchSetup, or a promise of one. */
  name: string;
  arg: unknown;
}

export interface SearchSetup {
  session: Session;
  reduction: Reduction;
  /** An observation key per final state (tests compare the sets). */
  observe?: (s: Int32Array) => string;
}

export async function openSource(src: SearchSource): Promise<SearchSetup> {
  const mod = (await import(src.module)) as Record<string, unknown>;
  const make = mod[src.name];
  if (typeof make !== 'function') throw new Error(`${src.module} has no export ${src.name}`);
  return (await (make as (arg: unknown) => SearchSetup | Promise<SearchSetup>)(src.arg));
}

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), import.meta.url.includes('/dist/') ? '../../..' : '../..');

/**
 * The compiled twin of a module: itself when it already runs from dist/, else the file that
 * `tsc` (npm's prepare, and pretest) writes for it (tests run the TypeScript sources).
 */
export function compiledUrl(moduleUrl: string): string {
  const file = fileURLToPath(moduleUrl);
  if (file.includes(`${sep}dist${sep}`)) return moduleUrl;
  return pathToFileURL(join(projectRoot, 'dist', relative(projectRoot, file)).replace(/\.ts$/, '.js')).href;
}
