// Ctrl-C, and SIGTERM (`timeout 900 ptmc check ...`, a CI job's cancel): heard from the
// moment the command starts, so that a search stopped early (even before it began) still
// prints what it explored and says the verdict is incomplete.

let interrupted = false;
let installed = false;

export function listenForInterrupt(): void {
  if (installed) return;
  installed = true;
  const onSignal = (): void => {
    if (interrupted) process.exit(4); // a second one: stop at once
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export function wasInterrupted(): boolean {
  return interrupted;
}
