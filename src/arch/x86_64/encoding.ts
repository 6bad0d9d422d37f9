// The x86_64 profile's Encoding: 4-level paging, Linux's names.

import type { Encoding } from '../encoding.js';
import { _KERNPG_TABLE, _PAGE_PSE, X86_DESCRIPTOR_NAMES } from './bits.js';
import { descKind, descPfn, describeAttrs, describeDesc, leafAttrs, tableAttrs } from './decode.js';

export const x86Encoding: Encoding = {
  profile: 'x86_64',
  descKind,
  descPfn,
  leafAttrs,
  tableAttrs,
  isCont: () => false,
  mayPointToTable: (lo) => (lo & 1) === 1,
  tableDesc: (pa) => pa | _KERNPG_TABLE,
  leafDesc: (pa, prot, level) => (level < 3 ? pa | prot | _PAGE_PSE : pa | (prot & ~_PAGE_PSE)),
  describeDesc,
  describeAttrs,
  names: X86_DESCRIPTOR_NAMES,
  prelude: 'x86_64-kernel.h',
  defaultLevels: 4,
  hasCont: false,
};
