// Event records: what a transition did, for checks and traces. The machine writes them
// into a reusable buffer (no allocation per transition); readers copy what they keep.

export const enum Ev {
  Commit = 1, // cpu commits a store: loc, lo/hi new, oldLo/oldHi
  Read, // explicit load: loc, lo/hi, a = uninit flag
  Store, // store enters the buffer (or commits at once under sc): loc, lo/hi
  Rmw, // atomic: loc, lo/hi = value written (if a = 1), oldLo/oldHi = value read
  Dmb, // a = barrier kind
  Dsb, // a = barrier kind
  Isb,
  TlbiIssue, // a = kind, b = region, va = page
  TlbiDone, // cpu = target, a = kind, b = region, va = page, c = issuer
  WalkRead, // cpu, probe, level, loc, lo/hi, a = flags of the write (W_UNINIT), b = frame state
  WalkFault, // cpu, probe, level
  TlbFill, // cpu, probe, a = index of the new TLB entry
  WalkCacheFill, // cpu, probe, level
  Access, // translated access: cpu, probe, a = 1 write, b = fault kind (0 none), level
  TtbrWrite, // a = region, b = frame (-1 none)
  Alloc, // a = frame (-1 failed), b = zeroed
  Free, // a = frame
  Lazy, // a = 1 enter, 0 leave
}

export const FAULT_NONE = 0;
export const FAULT_TRANSLATION = 1;
export const FAULT_ACCESS_FLAG = 2;
export const FAULT_PERMISSION = 3;

export class MachineEvent {
  kind: Ev = Ev.Commit;
  cpu = 0;
  loc = -1;
  probe = -1;
  level = 0;
  lo = 0;
  hi = 0;
  oldLo = 0;
  oldHi = 0;
  va = 0;
  a = 0;
  b = 0;
  c = 0;

  reset(kind: Ev, cpu: number): this {
    this.kind = kind;
    this.cpu = cpu;
    this.loc = -1;
    this.probe = -1;
    this.level = 0;
    this.lo = this.hi = this.oldLo = this.oldHi = 0;
    this.va = this.a = this.b = this.c = 0;
    return this;
  }

  copy(): MachineEvent {
    return Object.assign(new MachineEvent(), this);
  }
}

/** A transition's events, in order. */
export class EventBuffer {
  readonly items: MachineEvent[] = [];
  length = 0;

  push(kind: Ev, cpu: number): MachineEvent {
    if (this.length === this.items.length) this.items.push(new MachineEvent());
    return this.items[this.length++]!.reset(kind, cpu);
  }

  clear(): void {
    this.length = 0;
  }
}
