// arch: what a descriptor means on each architecture, and the scaled geometry.
export * as arm64 from './arm64/index.js';
export { ConfigError } from './configError.js';
