// Exit codes, the same for every command.
export const EXIT = {
  ok: 0,
  violation: 1,
  badInput: 2,
  internal: 3,
  incomplete: 4,
} as const;
