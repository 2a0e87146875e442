/** What every command shares: the output streams and the option parsers. */
import { InvalidArgumentError, Option } from 'commander';
import { resolve } from 'node:path';
import type { ResolvedConfig } from '../base/config.js';
import { ConfigError } from '../base/errors.js';
import { resolveFold } from '../app/fit.js';
import { ICE40_DEVICES } from '../targets/ice40.js';

const ICE40_DEVICE_NAMES = ICE40_DEVICES.map((d) => d.name);

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

/** A number > 0 (sequences per second, MHz). */
function positive(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag} "${v}" is not a number > 0`);
    return n;
  };
}

/** `--fit DEVICE`, `--rate SEQ_PER_S`, `--clock MHZ`: automatic folding (src/app/fit.ts, docs/fpga.md). */
export function fitOptions(): Option[] {
  return [
    new Option('--fit <device>', 'fold the design to fit an iCE40 device ("auto": the smallest one a fold fits); also how a config with "fold": "auto" is resolved (default hx8k)').choices(['auto', ...ICE40_DEVICE_NAMES]),
    new Option('--rate <seqPerSecond>', 'with --fit or "fold": "auto": the cheapest fold that reaches this many sequences per second (default: the smallest fold that fits)').argParser(positive('--rate')),
    new Option('--clock <MHz>', 'clock assumed for --rate (default: below the measured Fmax of the device\'s fitted folds, docs/fpga.md)').argParser(positive('--clock')),
  ];
}

export interface FitCliOptions {
  fit?: string;
  rate?: number;
  clock?: number;
}

/** The config with its fold resolved (and the fit printed on stderr) when --fit or "fold": "auto" asks for it. */
export function applyFit(cfg: ResolvedConfig, opts: FitCliOptions, io: Io): ResolvedConfig {
  if (opts.rate !== undefined && opts.fit === undefined && cfg.fold !== 'auto') {
    throw new ConfigError('--rate', opts.rate, 'allowed: only with --fit DEVICE or a config with "fold": "auto" (a fixed fold has a fixed rate)');
  }
  const r = resolveFold(cfg, { ...(opts.fit ? { device: opts.fit } : {}), sequencesPerSecond: opts.rate ?? null, clockMHz: opts.clock ?? null });
  if (r.report) io.err(`${r.report.summary}\n`);
  return r.config;
}
