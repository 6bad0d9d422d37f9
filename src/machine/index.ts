// machine: the flat machine state and its transitions (see layout.ts for the map).

/** Bumped whenever a rule changes what the machine can do; traces carry it. */
export const SEMANTICS_VERSION = 8; // 8: a table allocated in the run is read, but by its allocator, only through a pointer read from memory (a made-up address is a model error), and memory keeps no older write for such reads; floors a step raises drop what no reader can reach at once; 7: views compared with other views keep their order when timestamps are renumbered, and a translated load's view is renumbered with its own hardware flag update; 6: an early fault result kept across a TLBI serves only accesses ordered no later than its completion (as a removed TLB entry does); 5: a walk from a pending TTBR reads no older than the CPU's own writes before its dsb; relaxed atomics write through the store buffer; 2: walk-cache views; per-VA bbm with TLBI issuer views; 3: walk-cache fills when a walk ends, a TLBI or TTBR write cuts every walk of its CPU; 4: early fault results keep their kind and survive a TLBI (only an isb drops them)

export * from './config.js';
export * from './layout.js';
export * from './machine.js';
export * from './events.js';
export * from './errors.js';
export * from './memory.js';
export * from './cpu.js';
export * from './access.js';
export * from './walk.js';
export * from './tlb.js';
export * from './tlbi.js';
export * from './sys.js';
export * from './transitions.js';
export * from './program.js';
export * from './hash.js';
export * from './latest.js';
