// arch: what a descriptor means on each architecture, and the scaled geometry.
export * as arm64 from './arm64/index.js';
export * as x86_64 from './x86_64/index.js';
export * from './attrs.js';
export type { Encoding, Profile } from './encoding.js';
export { encodingFor, PROFILES } from './profiles.js';
export { ConfigError } from './configError.js';
