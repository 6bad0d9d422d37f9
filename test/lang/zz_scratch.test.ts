import { it } from 'vitest';
import { setupModel, runRecorded, globalValue } from '../helpers/kernelRun.js';
import { ModelError } from '../../src/lang/model.js';
it('scratch', () => {
  const src = `unsigned long r0, r1, r2;
int f(int x) { BUG_ON(x == 5); return x; }
`;
  try {
    const st = setupModel(src, 'r0 = 1; unsigned long x = ~0UL; switch (x) { case -1: r1 = 1; break; default: r1 = 2; } r2 = WARN_ON(1UL << 40); f(5);');
    const r = runRecorded(st);
    console.log(r.violations, globalValue(st, r.state, 'r1'), globalValue(st, r.state, 'r2'));
  } catch (e) { if (e instanceof ModelError) console.log(e.message); else throw e; }
});
