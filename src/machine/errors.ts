// Errors the machine raises when a bound of the flat layout is too small for a run.
// They are not model bugs: the CLI tells the user which option to raise.

export class CapacityError extends Error {
  override name = 'CapacityError';
  constructor(readonly option: string, what: string) {
    super(`${what}: raise ${option}`);
  }
}

/** A fault in model code (a pointer to no table, a use of a freed frame): a model-error violation. */
export class ModelError extends Error {
  override name = 'ModelError';
}
