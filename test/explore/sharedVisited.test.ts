// The shared visited table: each fingerprint is new exactly once, whatever the number of
// threads inserting it; growing (at a barrier, by rehashing) loses none; at its largest
// size the table reports that it is full instead of slowing to a crawl.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createSharedTable, SharedVisitedSet, TableFull } from '../../src/explore/sharedVisited.js';

const fp = (i: number): [number, number] => [Math.imul(i + 1, 0x9e3779b1) | 0, Math.imul(i ^ 0x5bd1e995, 0x85ebca6b) | 0];

describe('shared visited table', () => {
  it('stores 300,000 fingerprints through four grows, each new once', () => {
    const v = new SharedVisitedSet(createSharedTable(64 * 2 ** 20));
    const before = v.bytes();
    for (let i = 0; i < 300_000; i++) expect(v.add(...fp(i))).toBe(true);
    for (let i = 0; i < 300_000; i += 7) expect(v.add(...fp(i))).toBe(false);
    for (let i = 0; i < 300_000; i += 3) expect(v.has(...fp(i))).toBe(true);
    expect(v.has(...fp(300_001))).toBe(false);
    expect(v.bytes()).toBeGreaterThanOrEqual(before * 8);
  });

  it('at its largest size, stops with TableFull', () => {
    const v = new SharedVisitedSet(createSharedTable(2 ** 20)); // 2^17 slots at most
    expect(() => {
      for (let i = 0; i < 200_000; i++) v.add(...fp(i));
    }).toThrow(TableFull);
  });

  it('two threads inserting overlapping sets: each fingerprint is new for exactly one of them, across grows', async () => {
    const table = createSharedTable(64 * 2 ** 20);
    const main = new SharedVisitedSet(table, 0);
    main.setParticipants(2);
    const url = pathToFileURL(join(import.meta.dirname, '../../dist/src/explore/sharedVisited.js')).href;
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.url).then(({ SharedVisitedSet }) => {
        const v = new SharedVisitedSet(workerData.table, workerData.thread);
        const fp = (i) => [Math.imul(i + 1, 0x9e3779b1) | 0, Math.imul(i ^ 0x5bd1e995, 0x85ebca6b) | 0];
        let fresh = 0;
        for (let i = workerData.from; i < workerData.to; i++) {
          if (v.add(...fp(i))) fresh++;
          if (i % 1000 === 0) v.sync();
        }
        v.leave();
        parentPort.postMessage(fresh);
      });`;
    const run = (thread: number, from: number, to: number) => new Promise<number>((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { url, table, thread, from, to } });
      w.once('message', resolve);
      w.once('error', reject);
    });
    const [a, b] = await Promise.all([run(1, 0, 200_000), run(2, 100_000, 300_000)]);
    expect(a + b).toBe(300_000);
    const after = new SharedVisitedSet(table, 0); // a view of the table as it grew
    expect(after.bytes()).toBeGreaterThanOrEqual(8 * 2 ** 20); // grew from 1 MiB: three rehashes at least
    for (let i = 0; i < 300_000; i += 5) expect(after.has(...fp(i))).toBe(true);
    expect(after.total()).toBe(300_000);
  });
});
