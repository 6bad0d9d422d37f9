import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Vitest leaves a core free by default, which on CI's 2 cores runs the files one at a
    // time; the search tests are CPU-bound, so use every core.
    maxWorkers: availableParallelism(),
    // Generous: with every core busy a test can take twice its time alone.
    testTimeout: 180_000,
  },
});
