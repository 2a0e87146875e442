/**
 * Verilator simulations of generated designs: built once per content hash, run many times.
 *
 * The cache key covers everything that goes into a build (every generated file, the
 * harness C++, the Verilator version, the flags, and what makes the executable
 * machine-specific: architecture, C runtime, C++ compiler; src/cosim/cache.ts), so a
 * second run with other vectors
 * or another seed reuses the binary. Builds happen in a temporary folder renamed into
 * place, so concurrent runs and interrupted builds never leave a broken cache entry.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { GeneratedFile } from '../render/files.js';
import type { TopPorts, StreamBeats } from '../blocks/ports.js';
import { CACHE_DIR } from '../base/paths.js';
import { cacheTempDir, inCache } from '../base/cache-dir.js';
import { hasTool, runTool, toolVersion } from '../tools/run.js';
import { vendorLibraries } from '../render/files.js';
import { vendorModels, verilatorVendorArgs, verilatorVendorConfig } from '../tools/vendor.js';
import { buildCachedSim, harnessArgs, readFlags, simKey, verilatorHost, type CachedSim, type FlagChange } from './cache.js';
import { PCH_RULES, precompiledHeader } from './pch.js';
import { VERILATOR_FLAGS, verilatorHarness, type WaveFormat } from '../../testbenches/generic.js';

export { VERILATOR_FLAGS };
/** Harness exit status: an assertion of the design failed (its message is on stdout). */
export const STATUS_ASSERTION = 6;

/** A compiled simulation (either simulator), as the build cache returns it. */
export type BuiltSim = CachedSim;

export type { WaveFormat };

const WAVE_FLAGS: Record<WaveFormat, string[]> = { none: [], vcd: ['--trace'], fst: ['--trace-fst'] };

export function harnessSource(spec: TopPorts, wave: WaveFormat = 'none'): string {
  return verilatorHarness(spec, wave);
}

/** The build flags for a waveform format. */
function waveFlags(flags: readonly string[], wave: WaveFormat): string[] {
  return [...flags, ...WAVE_FLAGS[wave]];
}

/** The cache key of a Verilator model (see simKey). */
export async function verilatorSimKey(files: GeneratedFile[], spec: TopPorts, wave: WaveFormat = 'none'): Promise<string> {
  return simKey(files, harnessSource(spec, wave), await toolVersion('verilator'), waveFlags(await vendorFlags(files), wave), spec.top, await verilatorHost());
}

/** The build flags plus the vendor models the design compiles with (their hashes are part of the cache key). */
async function vendorFlags(files: GeneratedFile[]): Promise<string[]> {
  const models = await vendorModels(vendorLibraries(files));
  return [...VERILATOR_FLAGS, ...models.map((m) => `vendor:${m.library}:${m.sha256}`)];
}

/** `extraFlags` (e.g. a netlist build's defines) go into the command and the cache key. */
export async function buildSim(files: GeneratedFile[], spec: TopPorts, timeoutSeconds = 600, extraFlags: readonly string[] = [], wave: WaveFormat = 'none'): Promise<BuiltSim> {
  // Vendor primitives (GeneratedFile.vendor) come from their third-party models (src/tools/vendor.ts).
  const models = await vendorModels(vendorLibraries(files));
  const built = await buildCachedSim({
    root: join(CACHE_DIR, 'verilator'),
    files,
    tbName: 'tb.cpp',
    tb: harnessSource(spec, wave),
    version: await toolVersion('verilator'),
    flags: waveFlags([...(await vendorFlags(files)), ...extraFlags], wave),
    top: spec.top,
    host: await verilatorHost(),
    binary: join('obj', 'Vsim'),
    compile: async (tmp, svPaths) => {
      if (models.length) writeFileSync(join(tmp, 'vendor.vlt'), verilatorVendorConfig(models));
      await compileVerilatorModel(tmp, spec.top, [...waveFlags(VERILATOR_FLAGS, wave), ...extraFlags, ...verilatorVendorArgs(models, 'vendor.vlt')], svPaths, `building the co-simulation model of ${spec.top}`, timeoutSeconds);
    },
  });
  return { ...built, waveExt: wave === 'none' ? null : wave };
}

/** The make variables in `<prefix>_classes.mk` that list the model's own C++ files. */
const MODEL_CLASS_LISTS = ['VM_CLASSES_FAST', 'VM_CLASSES_SLOW', 'VM_SUPPORT_FAST', 'VM_SUPPORT_SLOW'];

/** The model's own C++ files, as Verilator lists them in `<prefix>_classes.mk`. */
export function modelClasses(classesMk: string): string[] {
  const out: string[] = [];
  for (const list of MODEL_CLASS_LISTS) {
    const m = new RegExp(`^${list} \\+= \\\\\n((?:\\t\\S+ \\\\\n)*)`, 'm').exec(classesMk);
    if (!m) throw new Error(`${list} is not in the Verilator class list (an unknown Verilator version?)`);
    for (const line of m[1]!.split('\n')) {
      const name = line.replace(/\\$/, '').trim();
      if (name) out.push(name);
    }
  }
  return out;
}

/** Make variables that empty the model's class lists: the unity file compiles those classes. */
const NO_MODEL_CLASSES = MODEL_CLASS_LISTS.map((list) => `${list}=`);

/** The build's makefile, written beside Verilator's `Vtop.mk` in the build's obj folder. */
const BUILD_MAKEFILE = 'spikeforge.mk';

/**
 * Verilator's makefile, plus: the unity file compiled without ccache (it is new with every
 * design, and the model cache keeps what it builds: on a miss ccache only runs the
 * preprocessor once more, 0.2 s of CPU per build measured here), and the precompiled
 * header's rules.
 */
const BUILD_MAKEFILE_TEXT = `# spikeforge (src/cosim/verilator.ts): Verilator's makefile; the unity file without ccache;
# the precompiled header's rules.
include Vtop.mk

unity.o: OBJCACHE :=

${PCH_RULES}`;

/**
 * Verilator builds the harness `tb.cpp` and the design in `tmp` into `obj/Vsim` (every
 * Verilator model: co-simulation, netlist, the simulated board).
 *
 * One translation unit per build: `unity.cpp` includes the precompiled header of verilated.h
 * and the C++ library (src/cosim/pch.ts), the model's classes and then the harness, and
 * Verilator's own makefile links it with its runtime (verilated.cpp and friends, the same
 * for every design, from ccache). Verilator's `--build` would compile the model
 * (Vtop__ALL.cpp) and the harness apart, each parsing verilated.h and the C++ library
 * again: measured here, 3.85 s of CPU per new design against 2.6 s as one unit, and 1.6 s
 * with the header precompiled. The makefile still supplies every compiler flag, define and
 * library, so nothing of Verilator's build is written down twice.
 *
 * The C++ is optimised with -O1 (the makefile's OPT_FAST, -Os by default): measured on the
 * N = 168 head, it compiles as fast as -Os and simulates as fast or faster; -O0 compiles
 * in half the time but simulated 5 to 7 times slower.
 */
export async function compileVerilatorModel(tmp: string, top: string, flags: readonly string[], svPaths: readonly string[], what: string, timeoutSeconds: number): Promise<void> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  if (await hasTool('ccache')) {
    // Verilator's runtime library is the same for every design: ccache makes the
    // second and later builds of a session (and of a CI run) much cheaper.
    env['OBJCACHE'] = 'ccache';
    env['CCACHE_DIR'] = join(CACHE_DIR, 'ccache');
    env['CCACHE_BASEDIR'] = tmp;
    env['CCACHE_NOHASHDIR'] = '1';
  }
  // Verilator needs the user file to exist; its content is written once the classes are known.
  writeFileSync(join(tmp, 'unity.cpp'), '');
  const args = [
    '--cc', '--exe', '--Mdir', 'obj', '--top-module', top,
    // A fixed class name: Verilator mangles some identifiers (e.g. a double underscore)
    // in the class it names after the top module.
    '--prefix', 'Vtop', '-o', 'Vsim',
    ...flags, ...svPaths, 'unity.cpp',
  ];
  await runTool('verilator', args, what, { cwd: tmp, timeoutSeconds, env });
  const classes = modelClasses(readFileSync(join(tmp, 'obj', 'Vtop_classes.mk'), 'utf8'));
  // GNU gold, where installed, links a model in a third of the time of the default ld
  // (0.06 s against 0.2 s here); USER_LDFLAGS is verilated.mk's hook for linker flags.
  const makeVars = [...NO_MODEL_CLASSES, 'OPT_FAST=-O1', ...((await hasTool('ld.gold')) ? ['USER_LDFLAGS=-fuse-ld=gold'] : [])];
  writeFileSync(join(tmp, 'obj', BUILD_MAKEFILE), BUILD_MAKEFILE_TEXT);
  const pch = await precompiledHeader(join(tmp, 'obj'), BUILD_MAKEFILE, makeVars, env, what, timeoutSeconds);
  // The precompiled header first (GCC uses a .gch only for the first include), then the
  // classes, found on the makefile's include path (-I. in obj), then tb.cpp beside unity.cpp.
  writeFileSync(join(tmp, 'unity.cpp'), `${[`#include "${pch}"`, ...classes.map((c) => `#include "${c}.cpp"`), '#include "tb.cpp"'].join('\n')}\n`);
  await runTool('make', ['-C', 'obj', '-f', BUILD_MAKEFILE, '-j', String(Math.max(1, cpus().length)), ...makeVars, 'Vsim'], what, { cwd: tmp, timeoutSeconds, env });
  // The cache entry keeps the executable, the RTL it was built from and the harness source:
  // the generated C++ and the objects were three quarters of an entry (an engine measured
  // here: 0.8 MB, of which Vsim 0.19 MB) and nothing reads them again (the runtime's objects
  // come back from ccache).
  for (const f of readdirSync(join(tmp, 'obj'))) if (f !== 'Vsim') rmSync(join(tmp, 'obj', f), { recursive: true, force: true });
  rmSync(join(tmp, 'unity.cpp'));
}

/** Verilator with VCD waveforms: the build a failing run is repeated on for its waveform. */
export const VERILATOR_VCD = { name: 'verilator' as const, build: (files: GeneratedFile[], spec: TopPorts) => buildSim(files, spec, 600, [], 'vcd'), run: runSim };
/** Verilator with FST waveforms (`verify --fst`): its own build, compressed traces. */
export const VERILATOR_FST = { name: 'verilator' as const, build: (files: GeneratedFile[], spec: TopPorts) => buildSim(files, spec, 600, [], 'fst'), run: runSim };

export interface RunSettings {
  seed: number;
  /** Probability that an input raises valid in a cycle (1: no input gaps). */
  pValid: number;
  /** Probability that an output is ready in a cycle (1: no back-pressure). */
  pReady: number;
  maxCycles: number;
  /** Write a VCD of the run here. */
  tracePath?: string;
  /** Trace only these cycles (inclusive; default: the whole run). */
  traceWindow?: { from: number; to: number };
  timeoutSeconds: number;
}

export interface RunOutcome {
  /** 0 done, 3 time-out, 4 protocol violation. */
  status: number;
  message: string;
  out: StreamBeats;
  /** Cycle of every captured output beat, per stream. */
  outCycles: Record<string, number[]>;
  /** Beats of the observation streams (TopPorts.observe), per stream, and their cycles; absent without them. */
  obs?: StreamBeats;
  obsCycles?: Record<string, number[]>;
  cycles: number;
  seconds: number;
  /** Every change of each flag output of the top (TopPorts.flags), in order; absent without flags. */
  flags?: Record<string, FlagChange[]>;
}

/**
 * The observation beats a run wrote (`obs_<stream>.txt`, "<cycle> <hex fields>"). Icarus
 * writes X/Z bits as x/z: they are read as 0 and named in `undefined`.
 */
export function readObservation(runDir: string, spec: TopPorts): { beats: StreamBeats; cycles: Record<string, number[]>; undefined: string[] } {
  const beats: StreamBeats = {};
  const cycles: Record<string, number[]> = {};
  const undef: string[] = [];
  for (const s of spec.observe ?? []) {
    const lines = readFileSync(join(runDir, `obs_${s.name}.txt`), 'utf8').split('\n').filter(Boolean);
    cycles[s.name] = lines.map((line) => Number(line.split(' ')[0]));
    beats[s.name] = lines.map((line, n) => {
      const [cycle, ...hex] = line.split(' ');
      return hex.map((h, f) => {
        if (/[xz]/i.test(h)) undef.push(`harness: observation stream ${s.name} beat ${n} (cycle ${cycle}) has X/Z bits on ${s.fields[f]?.port ?? f}_o: ${h}`);
        return BigInt(`0x${h.replace(/[xz]/gi, '0')}`);
      });
    });
  }
  return { beats, cycles, undefined: undef };
}

export async function runSim(
  build: BuiltSim,
  spec: TopPorts,
  inputs: StreamBeats,
  expected: Record<string, number>,
  settings: RunSettings,
): Promise<RunOutcome> {
  const runDir = cacheTempDir('run');
  try {
    const args = [
      ...inCache(runDir, () => harnessArgs(runDir, spec, inputs, expected, settings)),
      `+verilator+seed+${(settings.seed % 2147483646) + 1}`,
      '+verilator+rand+reset+2',
    ];
    const r = await runTool(build.binary, args, `simulating ${spec.top}`, {
      cwd: build.rtlDir,
      timeoutSeconds: settings.timeoutSeconds,
      okExitCodes: [3, 4, STATUS_ASSERTION],
    });
    const out: StreamBeats = {};
    const outCycles: Record<string, number[]> = {};
    for (const s of spec.outputs) {
      const lines = readFileSync(join(runDir, `out_${s.name}.txt`), 'utf8').split('\n').filter(Boolean);
      out[s.name] = [];
      outCycles[s.name] = [];
      for (const line of lines) {
        const [cycle, ...hex] = line.split(' ');
        outCycles[s.name]!.push(Number(cycle));
        out[s.name]!.push(hex.map((h) => BigInt(`0x${h}`)));
      }
    }
    const observed = readObservation(runDir, spec);
    // Cycles from reset release to the last output beat (inclusive); the harness's own
    // count also includes the drain cycles it runs to catch duplicated beats.
    const cycles = Math.max(0, ...Object.values(outCycles).map((c) => (c.length ? c[c.length - 1]! + 1 : 0)));
    // Verilator prints a failed assertion ("%Error: file:line: Assertion failed in …") on stdout.
    const asserted = r.exitCode === STATUS_ASSERTION ? String(r.stdout).split('\n').filter((l) => /Assertion failed|%Error/.test(l)).join('\n') : '';
    const flags = readFlags(runDir, spec);
    return { status: r.exitCode, message: [asserted, r.stderr.trim()].filter(Boolean).join('\n'), out, outCycles, obs: observed.beats, obsCycles: observed.cycles, cycles, seconds: r.seconds, flags };
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}
