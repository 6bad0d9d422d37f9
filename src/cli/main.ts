// The ptmc command line: yargs commands, exit codes. Later issues add check, replay, fuzz.
import yargs from 'yargs';
import { EXIT } from './exitCodes.js';

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const parser = yargs(argv)
    .scriptName('ptmc')
    .usage('$0 <command> [options]\n\nA model checker for concurrent page-table code.')
    .strict()
    .demandCommand(1, 'name a command (see --help)')
    .command('version', 'print the version and the machine semantics version', () => {}, () => {
      process.stdout.write(`ptmc ${VERSION} (semantics ${SEMANTICS_VERSION})\n`);
    })
    .fail((msg, err) => {
      if (err) throw err;
      process.stderr.write(`ptmc: ${msg}\n`);
      code = EXIT.badInput;
    })
    .help()
    .exitProcess(false);
  try {
    await parser.parseAsync();
  } catch (e) {
    process.stderr.write(`ptmc: internal error: ${(e as Error).message}\n(hint: rerun with the same arguments and report this with the scenario)\n`);
    return EXIT.internal;
  }
  return code;
}

const VERSION = '0.1.0';
import { SEMANTICS_VERSION } from '../machine/index.js';
