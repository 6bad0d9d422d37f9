// An architecture's descriptor format as the rest of ptmc sees it: decoding (in the shared
// vocabulary of attrs.ts), the few encodings the scenario builder needs, the kernel's
// names for the bits, and the kernel prelude models are compiled with.

export type Profile = 'arm64' | 'x86_64';

export interface Encoding {
  readonly profile: Profile;
  /** DESC_INVALID, DESC_TABLE or DESC_LEAF for descriptor (lo, hi) read at `level` (0 = root of 4). */
  descKind(lo: number, hi: number, level: number): number;
  /** The output (or next-table) page number. */
  descPfn(lo: number, hi: number): number;
  /** A leaf's attributes (attrs.ts bits). */
  leafAttrs(lo: number, hi: number): number;
  /** What a table descriptor adds to every leaf below it (attrs.ts bits, OR-ed in). */
  tableAttrs(lo: number, hi: number): number;
  /** Whether a leaf's contiguous hint is set (arm64 Cont; never on x86). */
  isCont(hi: number): boolean;
  /** Whether a word might point at a table at some level (memory compaction keeps its target). */
  mayPointToTable(lo: number): boolean;
  /** A kernel table descriptor pointing at the table at physical address pa. */
  tableDesc(pa: bigint): bigint;
  /** A leaf at `level` mapping pa with protection prot (`cont`: arm64's contiguous hint). */
  leafDesc(pa: bigint, prot: bigint, level: number, cont: boolean): bigint;
  /** Hex of a descriptor with its decoded flags, as traces print it. */
  describeDesc(lo: number, hi: number, level: number): string;
  /** A short flag list for leaf attributes. */
  describeAttrs(a: number): string;
  /** The kernel's names for descriptor bits and protections, predefined for models. */
  readonly names: Readonly<Record<string, bigint>>;
  /** The kernel prelude under models/include/ every model is compiled with. */
  readonly prelude: string;
  /** Default geometry: levels, and whether contiguous groups exist. */
  readonly defaultLevels: number;
  readonly hasCont: boolean;
}
