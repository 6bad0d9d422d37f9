// Building one function's code: slots (parameters, locals, temporaries) with their C
// types, nested scopes, and an instruction buffer whose jumps name labels, resolved when
// the function is finished (so code can be built in side buffers and spliced in).

import type { Span } from './diagnostics.js';
import { Op, type Instr } from './ir.js';
import type { CType } from './types.js';

export class Label {
  pos = -1;
}

/** An instruction under construction: jumps name a Label until finish(). */
export type Draft = (Omit<Instr, 'target'> & { label?: Label }) | { op: 0; mark: Label };

export class FnBuilder {
  readonly slotTypes: CType[] = [];
  private scopes: Map<string, number>[] = [new Map()];
  code: Draft[] = [];
  readonly labels = new Map<string, Label>();
  readonly gotos: { name: string; span: Span }[] = [];
  readonly breaks: Label[] = [];
  readonly continues: Label[] = [];
  file = '';
  line = 0;

  constructor(readonly name: string, readonly ret: CType) {}

  slot(t: CType): number {
    this.slotTypes.push(t);
    return this.slotTypes.length - 1;
  }

  declare(name: string, t: CType): number {
    const s = this.slot(t);
    this.scopes[this.scopes.length - 1]!.set(name, s);
    return s;
  }

  lookup(name: string): number | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const s = this.scopes[i]!.get(name);
      if (s !== undefined) return s;
    }
    return undefined;
  }

  enter(): void {
    this.scopes.push(new Map());
  }

  leave(): void {
    this.scopes.pop();
  }

  at(span: Span): void {
    this.file = span.file;
    this.line = span.line;
  }

  emit(i: Omit<Instr, 'file' | 'line'> & { label?: Label }): void {
    this.code.push({ ...i, file: this.file, line: this.line } as Draft);
  }

  mark(l: Label): void {
    this.code.push({ op: 0, mark: l });
  }

  jump(l: Label): void {
    this.emit({ op: Op.Jmp, dst: -1, label: l });
  }

  /** Build into a side buffer; returns its drafts. */
  capture(f: () => void): Draft[] {
    const saved = this.code;
    this.code = [];
    try {
      f();
      return this.code;
    } finally {
      this.code = saved;
    }
  }

  splice(d: Draft[]): void {
    for (const x of d) this.code.push(x);
  }

  label(name: string): Label {
    let l = this.labels.get(name);
    if (!l) this.labels.set(name, (l = new Label()));
    return l;
  }

  /** Resolve labels to positions and drop the marks. */
  finish(): Instr[] {
    const out: Instr[] = [];
    for (const d of this.code) {
      if (d.op === 0) (d as { mark: Label }).mark.pos = out.length;
      else out.push(d as Instr);
    }
    return out.map((i) => {
      const l = (i as { label?: Label }).label;
      if (!l) return i;
      const { label: _drop, ...rest } = i as Instr & { label?: Label };
      void _drop;
      return { ...rest, target: l.pos };
    });
  }
}
