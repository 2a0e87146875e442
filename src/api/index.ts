/**
 * spikeforge as a library: `import { generate, verify, check, synth } from 'spikeforge'`.
 *
 * The same use cases the CLI runs (src/app), with the same rules: a config is validated
 * exactly as `spikeforge generate` validates it (a bad one throws a ConfigError naming the
 * key, the value and what is allowed), a design folder is written by the design-folder
 * rules (only spikeforge's own files are replaced; a folder that is not spikeforge's, or a
 * generated file edited by hand, is refused unless `force`), and failures are typed errors
 * (`SpikeforgeError` and its subclasses, each with an exit `code` as the CLI would use).
 * Nothing here prints; progress goes to an optional `log` callback.
 *
 *     const design = generate({ top: 'xnor_attention', name: 'xa', seqLen: 12, dim: 32 }, { out: 'rtl/xa' });
 *     const report = await verify(design, { vectors: 20 });   // throws MismatchError on a mismatch
 */
import { resolve } from 'node:path';
import type { Config } from '../base/config.js';
import { cacheTempDir } from '../base/cache-dir.js';
import { checkVectorFile, type CheckReport, type CheckSimulator } from '../app/check.js';
import { synthDesign, type SynthResult } from '../app/synth.js';
import { verifyDesign, type VerifyReport } from '../app/verify.js';
import { generateDesign, type Design } from '../design/design.js';
import { loadConfigFile, resolveConfig } from '../io/config-file.js';
import { writeDesignFolder, type WriteOutcome } from '../io/design-folder.js';
import type { SimulatorName } from '../cosim/simulators.js';
import type { TargetName } from '../targets/index.js';
import { loadVectorFile } from '../vectors/file.js';

export { ConfigError, MismatchError, SpikeforgeError, ToolFailedError, ToolMissingError, ToolTimeoutError } from '../base/errors.js';
export { VERSION } from '../base/version.js';
export type { CheckReport, Config, Design, SynthResult, VerifyReport, WriteOutcome };

/** A config: the path of a JSON/YAML file, or the object itself (relative table paths resolve against `baseDir`, default the current folder). */
export type ConfigInput = string | Record<string, unknown>;

export interface GenerateOptions {
  /** Write the design folder here (atomically per file, by the design-folder rules). Without it nothing is written. */
  out?: string;
  /** Write into a folder that is not spikeforge's, and over generated files edited by hand. */
  force?: boolean;
  /** Where relative paths inside an object config resolve (default: the current folder). */
  baseDir?: string;
  /** Also render the testbench as files (`generate --testbench`): random cases on top of the corners, and their seed. */
  testbench?: { cases: number; seed?: number };
}

export interface GeneratedDesign extends Design {
  /** What was written, when `out` was given. */
  written: WriteOutcome | null;
}

function loadConfig(config: ConfigInput, baseDir?: string) {
  return typeof config === 'string' ? loadConfigFile(config) : resolveConfig(config, resolve(baseDir ?? '.'));
}

/** Validates the config and renders the design (SystemVerilog, ROM images, filelist, FuseSoC core, manifest); writes it when `out` is given. */
export function generate(config: ConfigInput, opts: GenerateOptions = {}): GeneratedDesign {
  const tb = opts.testbench ? { testbench: { cases: opts.testbench.cases, seed: opts.testbench.seed ?? 1 } } : {};
  const design = generateDesign(loadConfig(config, opts.baseDir), tb);
  const written = opts.out !== undefined ? writeDesignFolder(resolve(opts.out), design.files, { force: Boolean(opts.force) }) : null;
  return { ...design, written };
}

export interface VerifyOptions {
  /** Random cases on top of the corner and exhaustive ones (default 50). */
  vectors?: number;
  /** Seed of the stimulus and of the simulator's initial state and back-pressure (default 1). */
  seed?: number;
  /** Keep a VCD of the back-pressure run even when it passes (a failing run always keeps one). */
  trace?: boolean;
  /** Where waveforms go (default: a fresh folder in the cache). */
  traceDir?: string;
  simulator?: SimulatorName;
  log?: (line: string) => void;
}

/** Co-simulates the design against its golden model; resolves with the report, rejects with MismatchError (and a waveform path) on the first difference. */
export async function verify(design: Design | ConfigInput, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const d = isDesign(design) ? design : generate(design);
  return verifyDesign(d, {
    vectors: opts.vectors ?? 50,
    seed: opts.seed ?? 1,
    trace: Boolean(opts.trace),
    traceDir: opts.traceDir ?? cacheTempDir('api-traces'),
    ...(opts.simulator ? { simulator: opts.simulator } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
}

export interface CheckOptions {
  /** Also run the RTL on the file's cases (default: the golden model only). */
  rtl?: boolean;
  sim?: CheckSimulator;
  seed?: number;
  traceDir?: string;
  log?: (line: string) => void;
}

/** Checks a vector file (docs/vectors.md) on the golden model and optionally the RTL; rejects with MismatchError naming the first difference. */
export async function check(vectorFile: string, opts: CheckOptions = {}): Promise<CheckReport> {
  return checkVectorFile(loadVectorFile(vectorFile), {
    rtl: Boolean(opts.rtl),
    seed: opts.seed ?? 1,
    traceDir: opts.traceDir ?? cacheTempDir('api-traces'),
    ...(opts.sim ? { sim: opts.sim } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
}

export interface SynthOptions {
  /** Default "ice40". */
  target?: TargetName;
  /** Place and route with nextpnr (iCE40 only) for Fmax. */
  pnr?: boolean;
  /** iCE40 device or "auto" (default "hx8k"). */
  device?: string;
  seed?: number;
  /** Seconds per tool run (default 600). */
  timeoutSeconds?: number;
  /** Reuse Yosys's and nextpnr's output of an identical earlier run (default true). */
  cache?: boolean;
}

/** Synthesises the design with Yosys (and optionally places and routes it); the same result `spikeforge synth --json` prints. */
export async function synth(design: Design | ConfigInput, opts: SynthOptions = {}): Promise<SynthResult> {
  const d = isDesign(design) ? design : generate(design);
  return synthDesign(d, {
    target: opts.target ?? 'ice40',
    pnr: Boolean(opts.pnr),
    device: opts.device ?? 'hx8k',
    seed: opts.seed ?? 1,
    timeoutSeconds: opts.timeoutSeconds ?? 600,
    cache: opts.cache ?? true,
  });
}

function isDesign(x: Design | ConfigInput): x is Design {
  return typeof x === 'object' && x !== null && 'files' in x && 'topModule' in x;
}
