// A herd7 AArch64 litmus test, as parsed: header, initial state, thread columns, and the
// final condition. Values keep herd's notation; giving them meaning is the runner's job.

export interface Place {
  line: number;
  col: number;
}

/** `(oa:PA(x), db:0, attrs:(Device-GRE))`: field name to value (a nested descriptor stays one). */
export interface DescValue {
  kind: 'desc';
  /** The type herd names before it (`parel1_t:(...)`), if any. */
  type?: string;
  fields: Map<string, Value>;
}

export type Value =
  | { kind: 'int'; value: bigint }
  | { kind: 'sym'; name: string } // x, phy_x, pte_x, PA(x), PTE(x), Device-GRE
  | { kind: 'label'; thread: string; label: string } // label:"P1:L1"
  | DescValue;

/** Something a condition or the initial state names. */
export type Loc =
  | { kind: 'reg'; thread: number; reg: string } // 0:X2 or P0:X2
  | { kind: 'mem'; name: string } // x, [x], pte_x, [PTE(x)], PA(x)
  | { kind: 'fault'; thread: number; label?: string; loc?: string; type?: string }; // fault(P0:L0,x,MMU:Translation)

export interface InitItem {
  at: Place;
  /** The declared C type (`int`, `pteval_t`, ...), if any. */
  type?: string;
  loc: Loc;
  value?: Value;
}

export interface Instruction {
  at: Place;
  /** Labels attached before it (`L0:`). */
  labels: string[];
  /** Upper-cased mnemonic (`LDR`, `B.EQ`, `TLBI`). */
  op: string;
  /** Operands as written, split at top-level commas (`[X2]`, `#1`, `VAAE1IS`). */
  args: string[];
}

export interface Thread {
  /** `P0`, or `P1.F` for P1's fault handler. */
  name: string;
  proc: number;
  handler: boolean;
  code: Instruction[];
  /** Labels after the last instruction. */
  endLabels: string[];
}

export type Cond =
  | { kind: 'atom'; loc: Loc; value?: Value } // a fault atom has no value
  | { kind: 'not'; arg: Cond }
  | { kind: 'and' | 'or'; args: Cond[] }
  | { kind: 'const'; value: boolean };

export interface LitmusTest {
  file: string;
  name: string;
  /** Header lines (`Variant=vmsa,fatal`, `TTHM=P0:HA`, `EL0=P0,P2`, `Hash=...`): key to value. */
  header: Map<string, string>;
  init: InitItem[];
  threads: Thread[];
  locations: Loc[];
  filter?: Cond;
  quantifier: 'exists' | '~exists' | 'forall';
  condition: Cond;
}
