/**
 * The `spikeforge` command line. Commands parse their options and delegate to core/,
 * which returns data; this file formats it and maps errors to exit codes (the only place
 * that decides the process's exit status).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { resolve } from 'node:path';
import { SpikeforgeError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { registerDesignCommands } from './design-commands.js';
import { registerVectorCommands } from './vector-commands.js';
import { registerSweepCommands } from './sweep-commands.js';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const defaultIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

export function createCli(io: Io = defaultIo): Command {
  const program = new Command('spikeforge')
    .version(VERSION)
    .description(
      'Generates synthesisable SystemVerilog for binary spiking self-attention (XNOR-popcount\n' +
        'attention with Gray-PE and Log-PE, LIF neurons) with a bit-exact golden model, and\n' +
        'proves the RTL against the model under Verilator.\n\n' +
        'Exit status: 0 ok, 1 mismatch, 2 bad input (config, vector file, arguments),\n' +
        '3 tool fault (missing tool, tool error, time-out).\n\n' +
        'Docs in the repo: docs/spec.md (what each block computes),\n' +
        'docs/config.md (every config key), docs/vectors.md (vector files),\n' +
        'docs/<block>.md (interfaces, measured costs).',
    )
    .configureOutput({ writeOut: io.out, writeErr: io.err })
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
    if (e instanceof SpikeforgeError) {
      io.err(`spikeforge: error[${e.code}]: ${e.message}\n`);
      return e.exitCode;
    }
    io.err(`spikeforge: internal error (please report): ${(e as Error).stack ?? String(e)}\n`);
    return 70;
  }
}

/** Options shared by several commands. */
export function intOption(flags: string, description: string, fallback: number): Option {
  return new Option(flags, description).default(fallback).argParser((v: string) => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`"${v}" is not a non-negative integer`);
    return Number(v);
  });
}

export function outputDir(cliValue: string | undefined, name: string): string {
  return resolve(cliValue ?? `rtl-out/${name}`);
}
