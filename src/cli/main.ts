/**
 * The `spikeforge` command line. Commands parse their options and delegate to the use cases in src/app/,
 * which returns data; this file formats it and maps errors to exit codes (the only place
 * that decides the process's exit status).
 */
import { Command, CommanderError } from 'commander';
import { defaultIo, type Io } from './options.js';

export type { Io };
import { describeErrno, errnoOf, FileSystemError, InterruptedError, SpikeforgeError } from '../base/errors.js';
import { requestStop, stopReason } from '../base/interrupt.js';
import { killRunningTools } from '../tools/run.js';
import { VERSION } from '../base/version.js';
import { registerDesignCommands } from './design-commands.js';
import { registerVectorCommands } from './vector-commands.js';
import { registerSweepCommands } from './sweep-commands.js';
import { registerBoardCommands } from './board-commands.js';
import { registerCacheCommands } from './cache-commands.js';


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
        'Exit status: 0 ok, 1 mismatch, 2 bad input (config, vector file, arguments, an output folder that cannot be written or is not spikeforge\'s), ' +
        '3 tool fault (missing tool, tool error, time-out, an unwritable cache), 130 stopped by Ctrl-C (SIGINT; 143 SIGTERM: 128 + the signal number), 70 internal error.\n\n' +
        'Compiled simulations and temporary tool folders go to the cache folder: $SPIKEFORGE_CACHE_DIR, else $XDG_CACHE_HOME/spikeforge, else ~/.cache/spikeforge (`spikeforge cache show`, `cache clean`).\n\n' +
        'Docs in the repo: docs/spec.md (what each block computes), ' +
        'docs/config.md (every config key), docs/vectors.md (vector files), ' +
        'docs/<block>.md (interfaces, measured costs).',
    )
    .configureOutput({ writeOut: io.out, writeErr: io.err, getOutHelpWidth: helpWidth, getErrHelpWidth: helpWidth })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  registerDesignCommands(program, io);
  registerVectorCommands(program, io);
  registerSweepCommands(program, io);
  registerBoardCommands(program, io);
  registerCacheCommands(program, io);
  return program;
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * SIGINT (Ctrl-C), SIGTERM and SIGHUP stop the command cleanly: running tools are killed,
 * temporary folders removed, finished work kept (a sweep's finished points), and the exit
 * status is 128 + the signal's number (130 for SIGINT, 143 for SIGTERM). A second signal
 * stops at once. Returns the function that removes the handlers.
 */
function handleSignals(io: Io): () => void {
  const handler = (sig: NodeJS.Signals) => {
    if (stopReason() !== null) {
      killRunningTools('SIGKILL');
      io.err(`spikeforge: ${sig} again: stopping now\n`);
      process.exit(new InterruptedError(sig).exitCode);
    }
    requestStop(sig);
    io.err(`\nspikeforge: ${sig}: stopping (running tools are stopped, temporary files removed, finished work kept; ${sig === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to stop at once)\n`);
  };
  for (const s of STOP_SIGNALS) process.on(s, handler);
  return () => {
    for (const s of STOP_SIGNALS) process.removeListener(s, handler);
  };
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const program = createCli(io);
  const unhandle = handleSignals(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    // A stop that came while the command did work no tool run observed (it finished).
    const sig = stopReason();
    return sig ? new InterruptedError(sig).exitCode : 0;
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
  } finally {
    unhandle();
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
