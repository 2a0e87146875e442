/**
 * The `spikeforge` command line. Commands parse their options and delegate to core/,
 * which returns data; this file formats it and maps errors to exit codes (the only place
 * that decides the process's exit status).
 */
import { Command, CommanderError } from 'commander';
import { defaultIo, type Io } from './options.js';

export type { Io };
import { describeErrno, errnoOf, FileSystemError, SpikeforgeError } from '../base/errors.js';
import { VERSION } from '../base/version.js';
import { registerDesignCommands } from './design-commands.js';
import { registerVectorCommands } from './vector-commands.js';
import { registerSweepCommands } from './sweep-commands.js';


/** Help wraps to the terminal, at most 100 columns; 80 when not a terminal. */
function helpWidth(): number {
  return Math.min(100, process.stdout.columns || 80);
}

export function createCli(io: Io = defaultIo): Command {
  const program = new Command('spikeforge')
    .version(VERSION)
    .description(
      'Generates synthesisable SystemVerilog for binary spiking self-attention (XNOR-popcount ' +
        'attention with Gray-PE and Log-PE, LIF neurons) with a bit-exact golden model, and ' +
        'proves the RTL against the model under Verilator.\n\n' +
        'Exit status: 0 ok, 1 mismatch, 2 bad input (config, vector file, arguments), ' +
        '3 tool fault (missing tool, tool error, time-out).',
    )
    .configureOutput({ writeOut: io.out, writeErr: io.err, getOutHelpWidth: helpWidth, getErrHelpWidth: helpWidth })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  registerDesignCommands(program, io);
  registerVectorCommands(program, io);
  registerSweepCommands(program, io);
  return program;
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const program = createCli(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors are bad input.
      return e.exitCode === 0 ? 0 : 2;
    }
    const err = asSpikeforgeError(e);
    if (err) {
      io.err(`spikeforge: error[${err.code}]: ${err.message}\n`);
      return err.exitCode;
    }
    io.err(`spikeforge: internal error (please report): ${(e as Error).stack ?? String(e)}\n`);
    return 70;
  }
}

/**
 * Known errors as they are; a file-system error nobody classified (a bug, but not one
 * worth a stack trace) as a FileSystemError naming the operation and the path (exit 3).
 */
function asSpikeforgeError(e: unknown): SpikeforgeError | null {
  if (e instanceof SpikeforgeError) return e;
  const code = errnoOf(e);
  if (!code) return null;
  const x = e as NodeJS.ErrnoException;
  const dest = (x as { dest?: string }).dest;
  const path = x.path ? ` ${x.path}${dest ? ` -> ${dest}` : ''}` : '';
  return new FileSystemError(`${x.syscall ?? 'file operation'}${path}: ${describeErrno(code)}`);
}
