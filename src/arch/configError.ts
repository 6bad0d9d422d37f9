// A configuration mistake: the message names the field, one line, exit status 2 at the CLI.
export class ConfigError extends Error {
  override name = 'ConfigError';
}
