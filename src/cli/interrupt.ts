// Ctrl-C: heard from the moment the command starts, so that a search stopped early (even
// before it began) still prints what it explored and says the verdict is incomplete.

let interrupted = false;
let installed = false;

export function listenForInterrupt(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(4); // a second Ctrl-C: stop at once
    interrupted = true;
  });
}

export function wasInterrupted(): boolean {
  return interrupted;
}
