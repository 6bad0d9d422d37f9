// Ctrl-C, and SIGTERM (`timeout 900 ptmc check ...`, a CI job's cancel): heard from the
// moment the command starts, so that a search stopped early (even before it began) still
// prints what it explored and says the verdict is incomplete. Outside a search that polls
// for it (`whilePolled`), a signal exits at once with 4: nothing else would ever look.

let interrupted = false;
let installed = false;
let polling = 0;

export function listenForInterrupt(): void {
  if (installed) return;
  installed = true;
  const onSignal = (): void => {
    if (interrupted || polling === 0) process.exit(4); // a second one, or nobody polls: stop at once
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export function wasInterrupted(): boolean {
  return interrupted;
}

/** Run `f`, which polls wasInterrupted() and stops on it. */
export async function whilePolled<T>(f: () => Promise<T>): Promise<T> {
  polling++;
  try {
    return await f();
  } finally {
    polling--;
  }
}
