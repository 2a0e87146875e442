/**
 * Housekeeping of the model caches (<cache>/verilator, <cache>/icarus; the cache folder is
 * src/base/paths.ts). A build runs in `.<key>.tmp-<pid>-<machine>-<random>` and is renamed
 * to `<key>` when complete, so an entry is always a finished build: a build that was
 * killed (even SIGKILL) or whose machine died leaves only its temporary folder, which is
 * never used as an entry, does not stop the next build of the same model (that one has a
 * temporary name of its own), and is removed by a later build on the same machine, or after
 * 24 hours by any machine (src/base/cache-dir.ts).
 *
 * The cache may be shared by many machines: the key holds everything that makes a built
 * model machine-specific (below), so a node of another architecture or with another
 * compiler builds its own entry instead of loading one that would not run.
 */
import { mkdirs } from '../base/mkdirs.js';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { report } from 'node:process';
import type { GeneratedFile } from '../render/files.js';
import type { TopPorts, StreamBeats } from '../blocks/ports.js';
import { sha256 } from '../base/hash.js';
import { cacheKey, inCache, markUsed, removeAbandoned, TEMP_OWNER, tempOwner } from '../base/cache-dir.js';
import { probeTool, toolPath, toolVersion } from '../tools/run.js';

const BUILD_TEMP = new RegExp(`^\\.[0-9a-f]+\\.tmp-${TEMP_OWNER}[0-9a-f]+$`);

/** Removes temporary build folders whose owner is gone (src/base/cache-dir.ts); returns their names. */
export function removeStaleBuilds(root: string): string[] {
  return removeAbandoned(root, BUILD_TEMP);
}

/** The C runtime the process runs on (`glibc 2.36`, or `unknown` elsewhere). */
function libc(): string {
  const header = (report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return header?.glibcVersionRuntime ? `glibc ${header.glibcVersionRuntime}` : 'unknown';
}

let nativeHost: Promise<Record<string, string>> | null = null;

/**
 * What makes a Verilator model (a native executable) specific to a machine: the CPU
 * architecture and OS, the C runtime, and the C++ compiler Verilator's makefiles call
 * (CXX in $VERILATOR_ROOT/include/verilated.mk) with its version line.
 */
export function verilatorHost(): Promise<Record<string, string>> {
  nativeHost ??= (async () => {
    const root = (await probeTool('verilator', ['--getenv', 'VERILATOR_ROOT'], 'reporting its install folder')).trim();
    let cxx = 'g++';
    try {
      const m = /^\s*CXX\s*[:?]?=\s*(\S+)/m.exec(readFileSync(join(root, 'include', 'verilated.mk'), 'utf8'));
      if (m) cxx = m[1]!;
    } catch {
      // An unusual install: Verilator's default compiler.
    }
    return { arch: process.arch, platform: process.platform, libc: libc(), cxx: toolPath(cxx), cxxVersion: await toolVersion(cxx, '--version') };
  })();
  return nativeHost;
}

/**
 * What makes an Icarus model (a .vvp file) specific to a machine: it names the VPI
 * modules of the install by absolute path (/usr/lib/x86_64-linux-gnu/ivl/system.vpi),
 * so the architecture, the OS and where iverilog is installed.
 */
export function icarusHost(): Record<string, string> {
  return { arch: process.arch, platform: process.platform, iverilog: toolPath('iverilog') };
}

/** The cache key of a model: every input of the build (RTL, testbench, tool version, flags, top, the machine facts above). */
export function simKey(files: GeneratedFile[], tb: string, version: string, flags: readonly string[], top: string, host: Record<string, string>): string {
  const rtl = files.filter((f) => f.kind === 'sv' || f.kind === 'mem');
  return cacheKey({ rtl: rtl.map((f) => [f.path, sha256(f.content)]), tb: sha256(tb), version, flags, top, host });
}

export interface CachedSim {
  dir: string;
  binary: string;
  /** Folder holding the RTL and .mem files; simulators run here so $readmemh finds them. */
  rtlDir: string;
  cacheHit: boolean;
  seconds: number;
  key: string;
  /**
   * File extension of the waveforms this build writes (Icarus: always vcd); null for a
   * Verilator build without waveform support (wavesOf() names the simulator that has it).
   */
  waveExt?: string | null;
}

export interface SimBuild {
  /** Cache folder of this simulator (<cache>/verilator, <cache>/icarus). */
  root: string;
  /** The design's files; only SV and .mem go into a build. */
  files: GeneratedFile[];
  /** Testbench file name and text. */
  tbName: string;
  tb: string;
  /** Tool version and flags: part of the key, so a tool upgrade rebuilds. */
  version: string;
  flags: readonly string[];
  top: string;
  /** What makes the built model machine-specific (verilatorHost, icarusHost): part of the key. */
  host: Record<string, string>;
  /** The built binary, relative to the entry folder. */
  binary: string;
  /** Compiles in `tmp` (holding rtl/ and the testbench); `svPaths` are relative to it. */
  compile: (tmp: string, svPaths: string[]) => Promise<void>;
}

/**
 * Builds the cache entry `<root>/<key>` (a model, the precompiled header of src/cosim/pch.ts):
 * `build` fills a temporary folder `.<key>.tmp-<pid>-<machine>-<random>`, which is renamed
 * to `<key>` when complete, so an entry is always whole. When another process (here or on
 * another machine) finished the same entry first, theirs is used if `complete` says it is.
 * The temporary folder is removed in any case; abandoned ones first (removeStaleBuilds).
 */
export async function buildCacheEntry(root: string, key: string, complete: (entry: string) => boolean, build: (tmp: string) => Promise<void>): Promise<void> {
  inCache(root, () => mkdirs(root));
  removeStaleBuilds(root);
  const entry = join(root, key);
  const tmp = join(root, `.${key}.tmp-${tempOwner()}-${randomBytes(4).toString('hex')}`);
  inCache(tmp, () => mkdirs(tmp));
  try {
    await build(tmp);
    try {
      renameSync(tmp, entry);
    } catch (e) {
      if (!complete(entry)) inCache(entry, () => { throw e; });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * A model built once per content hash of everything that goes into it (RTL, testbench,
 * tool version, flags, top, machine). The build runs in a temporary folder renamed into
 * place, so concurrent or interrupted builds — on this machine or others sharing the
 * cache — never leave a broken entry.
 */
export async function buildCachedSim(b: SimBuild): Promise<CachedSim> {
  const started = performance.now();
  const rtl = b.files.filter((f) => f.kind === 'sv' || f.kind === 'mem');
  const key = simKey(b.files, b.tb, b.version, b.flags, b.top, b.host);
  const dir = join(b.root, key);
  const result = (cacheHit: boolean): CachedSim => ({
    dir,
    binary: join(dir, b.binary),
    rtlDir: join(dir, 'rtl'),
    cacheHit,
    seconds: (performance.now() - started) / 1000,
    key,
  });
  if (existsSync(join(dir, b.binary))) {
    markUsed(dir);
    return result(true);
  }

  await buildCacheEntry(b.root, key, (entry) => existsSync(join(entry, b.binary)), async (tmp) => {
    inCache(tmp, () => {
      mkdirs(join(tmp, 'rtl'));
      for (const f of rtl) writeFileSync(join(tmp, 'rtl', f.path), f.content);
      writeFileSync(join(tmp, b.tbName), b.tb);
    });
    await b.compile(
      tmp,
      rtl.filter((f) => f.kind === 'sv').map((f) => join('rtl', f.path)),
    );
  });
  return result(false);
}

/** One beat as the harnesses read it: hex fields separated by spaces. */
function formatBeat(beat: bigint[]): string {
  return beat.map((v) => v.toString(16)).join(' ');
}

export interface HarnessRun {
  seed: number;
  pValid: number;
  pReady: number;
  maxCycles: number;
  tracePath?: string;
  /** Trace only these cycles (inclusive; default: the whole run). */
  traceWindow?: { from: number; to: number };
}

/**
 * Writes the input beats into `runDir` and returns the plusargs both harnesses (Verilator
 * C++ and Icarus SV) take: seed, valid/ready probabilities, cycle limit, one input file and
 * one output file per stream, the expected beat counts and an optional waveform path.
 */
export function harnessArgs(
  runDir: string,
  spec: TopPorts,
  inputs: StreamBeats,
  expected: Record<string, number>,
  run: HarnessRun,
): string[] {
  const args = [`+seed=${run.seed}`, `+pvalid=${run.pValid}`, `+pready=${run.pReady}`, `+maxcycles=${run.maxCycles}`];
  for (const s of spec.inputs) {
    const path = join(runDir, `in_${s.name}.txt`);
    writeFileSync(path, (inputs[s.name] ?? []).map((b) => `${formatBeat(b)}\n`).join(''));
    args.push(`+in_${s.name}=${path}`);
  }
  for (const s of spec.outputs) {
    args.push(`+out_${s.name}=${join(runDir, `out_${s.name}.txt`)}`, `+expect_${s.name}=${expected[s.name] ?? 0}`);
  }
  for (const s of spec.observe ?? []) args.push(`+obs_${s.name}=${join(runDir, `obs_${s.name}.txt`)}`);
  for (const f of spec.flags ?? []) args.push(`+flag_${f.port}=${join(runDir, `flag_${f.port}.txt`)}`);
  if (run.tracePath) args.push(`+trace=${run.tracePath}`);
  if (run.tracePath && run.traceWindow) args.push(`+trace_from=${run.traceWindow.from}`, `+trace_to=${run.traceWindow.to}`);
  return args;
}

/** One change of a flag output (TopPorts.flags): the cycle it was first seen with this value. */
export interface FlagChange {
  cycle: number;
  value: bigint;
}

/** The flag files a run wrote (`<cycle> <hex value>` per change, the value after reset being 0). */
export function readFlags(runDir: string, spec: TopPorts): Record<string, FlagChange[]> {
  const flags: Record<string, FlagChange[]> = {};
  for (const f of spec.flags ?? []) {
    const lines = readFileSync(join(runDir, `flag_${f.port}.txt`), 'utf8').split('\n').filter(Boolean);
    flags[f.port] = lines.map((line) => {
      const [cycle, hex] = line.split(' ');
      // X/Z (Icarus) reads as all ones: an undefined flag is no more trustworthy than a raised one.
      return { cycle: Number(cycle), value: /[xz]/i.test(hex ?? '') ? -1n : BigInt(`0x${hex}`) };
    });
  }
  return flags;
}
