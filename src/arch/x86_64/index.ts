// arch/x86_64: paging-entry encodings and the kernel names for them.
export * from './bits.js';
export * from './decode.js';
export * from './encoding.js';
