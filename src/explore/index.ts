// explore: search over machine states (so far the brute-force oracle).
export * from './session.js';
export * from './bruteForce.js';
