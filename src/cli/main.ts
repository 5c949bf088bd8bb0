import { CommanderError } from 'commander';
import { buildProgram } from './program.ts';
import { CliError } from './context.ts';

/** Exit codes scripts can rely on: 0 success, 1 a reported failure/difference, 2 usage or internal error. */
async function main(argv: string[]): Promise<number> {
  const program = buildProgram({ out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
  if (argv.length <= 2) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof CliError) {
      // An empty message: the verb already said everything (diff's changes, check's list); only the exit code is left.
      if (err.message) process.stderr.write(`error: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
      return err.exitCode;
    }
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv);
