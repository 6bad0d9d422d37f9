// Building a runnable model: the kernel prelude, the model files and the CPUs'
// statements (wrapped in synthetic functions) are preprocessed with the machine's
// constants predefined, parsed and compiled; the result drives the machine's CPUs.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MachineConfig } from '../machine/config.js';
import { compileProgram } from './compiler.js';
import { DiagnosticList, format, type Diagnostic } from './diagnostics.js';
import type { CompiledProgram } from './ir.js';
import { parseModel } from './index.js';

export interface ModelSpec {
  /** Model files (absolute paths, or relative to the working directory). */
  readonly files: readonly string[];
  /** Extra #defines, as a scenario gives them. */
  readonly defines?: Readonly<Record<string, string | number | boolean>>;
  /** Per CPU, the kernel-C statements it runs (null: nothing). */
  readonly cpus: readonly (string | null)[];
  /** Extra in-memory files (path -> text), e.g. for tests. */
  readonly memFiles?: ReadonlyMap<string, string>;
  /** A kernel-C expression that must hold at every final state (the `final` property). */
  readonly final?: string;
  /** Kernel-C statements run on CPU0 before the CPUs start (a scenario's init code). */
  readonly init?: string;
  /** Keep dead locals' values (only to test that zeroing them changes nothing). */
  readonly keepDeadLocals?: boolean;
}

/** The name of the synthetic file holding the scenario's own kernel-C. */
export const SCENARIO_FILE = '<scenario>';

/** The synthetic function that evaluates a scenario's final predicate, and its result word. */
export const FINAL_FUNCTION = '__ptmc_final';
export const FINAL_RESULT = '__ptmc_final_result';
/** The synthetic function that runs a scenario's init code before the CPUs start. */
export const INIT_FUNCTION = '__ptmc_init';

export class ModelError extends Error {
  /**
   * @param scenarioLines which scenario field each line of the synthetic SCENARIO_FILE
   * comes from (the CPUs' statements, the final predicate), for placing its errors.
   */
  constructor(readonly diagnostics: readonly Diagnostic[], readonly scenarioLines: Readonly<Record<number, string>> = {}) {
    super(diagnostics.filter((d) => d.severity === 'error').map(format).join('\n'));
    this.name = 'ModelError';
  }
}

/** Where the project's own files (models/include) are, from this module's location. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'models', 'include', 'arm64-kernel.h'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find models/include/arm64-kernel.h above ' + fileURLToPath(import.meta.url));
}

/** Physical address where the model's global variables live (above any table frame). */
export const GLOBALS_BASE = 0x7f000000;

/** The macros every model sees: geometry constants, descriptor bits, machine facts. */
export function machineMacros(cfg: MachineConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(cfg.geometry.constants)) {
    out[k] = /SHIFT|PTRS_PER|CONT_PTES|CONT_PMDS|VA_BITS/.test(k) ? v.toString() : `0x${v.toString(16)}UL`;
  }
  for (const [k, v] of Object.entries(cfg.encoding.names)) out[k] = `0x${v.toString(16)}UL`;
  out.PTMC_LEVELS = String(cfg.geometry.levels);
  out[cfg.profile === 'x86_64' ? 'CONFIG_X86_64' : 'CONFIG_ARM64'] = '1';
  // The tables in use before the CPUs start stand for the kernel image's static tables.
  const firstFree = cfg.frameInit.findIndex((f) => f.init === 'free');
  out.__ptmc_static_tables_end = `0x${((cfg.framePfnBase + (firstFree < 0 ? cfg.frames : firstFree)) * 4096).toString(16)}UL`;
  out.PTMC_BBML2_NOABORT = cfg.bbm === '2-noabort' ? '1' : '0';
  const root = cfg.ttbr1 >= 0 ? (cfg.framePfnBase + cfg.ttbr1) * 4096 : 0;
  out.swapper_pg_dir = `0x${root.toString(16)}UL`;
  return out;
}

export function compileModel(spec: ModelSpec, cfg: MachineConfig): { program: CompiledProgram; warnings: Diagnostic[]; files: string[] } {
  const prelude = join(projectRoot(), 'models', 'include', cfg.encoding.prelude);
  const entry = SCENARIO_FILE;
  const lines = [`#include "${prelude}"`, ...spec.files.map((f) => `#include "${resolve(f)}"`)];
  const lineFields: Record<number, string> = {};
  const names = spec.cpus.map((stmts, c) => {
    if (stmts === null) return null;
    lines.push(`void __ptmc_cpu${c}(void) { ${stmts} }`);
    lineFields[lines.length] = `cpus.${c}`;
    return `__ptmc_cpu${c}`;
  });
  if (spec.init !== undefined) {
    lines.push(`void ${INIT_FUNCTION}(void) { ${spec.init} }`);
    lineFields[lines.length] = 'init.run';
  }
  if (spec.final !== undefined) {
    lines.push(`unsigned long ${FINAL_RESULT};`, `void ${FINAL_FUNCTION}(void) { ${FINAL_RESULT} = !!(${spec.final}); }`);
    lineFields[lines.length] = 'check.final';
  }
  const text = lines.join('\n') + '\n';
  const opened = new Set<string>();
  const read = (path: string): string | undefined => {
    if (path === entry) return text;
    const mem = spec.memFiles?.get(path);
    if (mem !== undefined) return mem;
    try {
      const t = readFileSync(path, 'utf8');
      opened.add(path);
      return t;
    } catch {
      return undefined;
    }
  };
  const defines: Record<string, string> = machineMacros(cfg);
  for (const [k, v] of Object.entries(spec.defines ?? {})) defines[k] = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  const parsed = parseModel(read, entry, defines);
  const diags = new DiagnosticList();
  for (const d of parsed.diagnostics) diags.add(d);
  if (parsed.ok) {
    const program = compileProgram(parsed.ast, diags, { entries: names, globalsBase: GLOBALS_BASE, readSource: read, clearDeadLocals: !spec.keepDeadLocals, extraEntries: [
      ...(spec.final !== undefined ? [FINAL_FUNCTION] : []), ...(spec.init !== undefined ? [INIT_FUNCTION] : []),
    ] });
    const all = diags.sorted();
    if (!all.some((d) => d.severity === 'error')) return { program, warnings: all.filter((d) => d.severity === 'warning'), files: [...opened] };
  }
  throw new ModelError(diags.sorted(), lineFields);
}
