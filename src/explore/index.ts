// explore: search over machine states: the DFS explorer, its reduction and visited set,
// and the brute-force oracle the reduction is tested against.
export * from './session.js';
export * from './bruteForce.js';
export * from './choicePath.js';
export * from './visitedSet.js';
export * from './reduction.js';
export * from './dfs.js';
