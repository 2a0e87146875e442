/** What every command shares: the output streams and the option parsers. */
import { InvalidArgumentError, Option } from 'commander';
import { resolve } from 'node:path';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const defaultIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** A non-negative integer option. */
export function intOption(flags: string, description: string, fallback: number): Option {
  return new Option(flags, description).default(fallback).argParser((v: string) => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`"${v}" is not a non-negative integer`);
    return Number(v);
  });
}

export function outputDir(cliValue: string | undefined, name: string): string {
  return resolve(cliValue ?? `rtl-out/${name}`);
}
