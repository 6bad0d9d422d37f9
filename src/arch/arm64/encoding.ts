// The arm64 profile's Encoding: VMSAv8-64, 4K granule, Linux v6.18 names.

import type { Encoding } from '../encoding.js';
import { DESCRIPTOR_NAMES, PTE_CONT, PTE_TABLE_BIT } from './bits.js';
import { descKind, descPfn, describeAttrs, describeDesc, isCont, leafAttrs, tableAttrs } from './decode.js';
import { LAST_LEVEL } from './geometry.js';

export const arm64Encoding: Encoding = {
  profile: 'arm64',
  descKind,
  descPfn,
  leafAttrs,
  tableAttrs,
  isCont,
  mayPointToTable: (lo) => (lo & 3) === 3,
  tableDesc: (pa) => pa | 3n, // PMD_TYPE_TABLE
  leafDesc: (pa, prot, level, cont) => {
    const d = pa | prot | (cont ? PTE_CONT : 0n);
    return level < LAST_LEVEL ? d & ~PTE_TABLE_BIT : d; // a block: type 0b01
  },
  describeDesc,
  describeAttrs,
  names: DESCRIPTOR_NAMES,
  prelude: 'arm64-kernel.h',
  defaultLevels: 3,
  hasCont: true,
};
