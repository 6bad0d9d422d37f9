// arch/arm64: descriptor encodings, geometry, and the kernel names for both.
export * from './bits.js';
export * from './geometry.js';
export * from './decode.js';
export * from "./encoding.js";
