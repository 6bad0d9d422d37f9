// Building one function's code: slots (parameters, locals, temporaries) with their C
// types, nested scopes, and an instruction buffer whose jumps name labels, resolved when
// the function is finished (so code can be built in side buffers and spliced in).

import type { Span } from './diagnostics.js';
import { Op, type Instr } from './ir.js';
import { typeName, type CType } from './types.js';

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

  /** A temporary: live until the end of the statement that allocates it, then reused. */
  slot(t: CType): number {
    const free = this.free.get(typeName(t));
    const s = free?.length ? free.pop()! : this.newSlot(t);
    this.liveTemps.push(s);
    return s;
  }

  declare(name: string, t: CType): number {
    const s = this.newSlot(t);
    this.scopes[this.scopes.length - 1]!.set(name, s);
    return s;
  }

  private newSlot(t: CType): number {
    this.slotTypes.push(t);
    return this.slotTypes.length - 1;
  }

  private readonly free = new Map<string, number[]>();
  private readonly liveTemps: number[] = [];

  tempMark(): number {
    return this.liveTemps.length;
  }

  /** The temporaries allocated since `mark` are dead: zero them at run time and reuse them. */
  release(mark: number): void {
    const dead = this.liveTemps.splice(mark);
    if (!dead.length) return;
    this.emit({ op: Op.Clear, dst: -1, slots: Int32Array.from(dead) });
    for (const d of dead) {
      const k = typeName(this.slotTypes[d]!);
      const f = this.free.get(k);
      if (f) f.push(d);
      else this.free.set(k, [d]);
    }
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
