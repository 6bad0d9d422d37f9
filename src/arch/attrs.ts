// What every architecture's decoder reports, in one shared vocabulary: the kind of a
// descriptor at a level, and leaf attributes packed into one small integer. The machine,
// the properties and the traces read only these, whatever the profile.

export const DESC_INVALID = 0;
export const DESC_TABLE = 1;
export const DESC_LEAF = 2;

/**
 * Leaf attribute bits. The low byte is what the BBM and TLB-conflict rules call memory
 * attributes (memory type, shareability, not-global); the rest is permission and state.
 */
export const ATTR_MEMORY_MASK = 0xff;
export const A_ATTRINDX = 0; // 3 bits: arm64 AttrIndx; x86 PWT, PCD, PAT
export const A_SH = 3; // 2 bits (arm64 only)
export const A_NG = 5; // arm64 nG; x86 !G
export const A_AF = 8; // arm64 AF; always set on x86 (the walker sets A itself)
export const A_RDONLY = 9; // arm64 AP[2]; x86 !RW at any level
export const A_USER = 10;
export const A_PXN = 11; // x86 NX sets both PXN and UXN
export const A_UXN = 12;
/** DBM: with hardware dirty-state management, a write to a read-only leaf makes it writable. */
export const A_DBM = 13;
