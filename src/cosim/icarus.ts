/**
 * The second simulator: Icarus Verilog runs a generated design under an SV testbench made
 * from the same TopPorts as the Verilator harness, reading the same stream files and
 * driving valid/ready with the same random schedule (draw for draw). Its outputs use the
 * Verilator harness's format, so the block's decode() applies unchanged and the two runs
 * can be compared beat by beat and cycle by cycle (src/cosim/cross.ts).
 *
 * Icarus is a 4-state, event-driven simulator: registers without reset start as X, so it
 * also reports X/Z reaching a handshake signal or a delivered output beat, which
 * Verilator (2-state, randomised initial values) cannot see.
 *
 * Builds are cached by content hash like the Verilator models (temporary folder renamed
 * into place: concurrent runs and failed compiles never leave a broken entry).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedFile } from '../render/files.js';
import type { TopPorts, StreamBeats } from '../blocks/ports.js';
import { CACHE_DIR } from '../base/paths.js';
import { cacheTempDir, inCache } from '../base/cache-dir.js';
import { ToolFailedError } from '../base/errors.js';
import { runTool, toolVersion } from '../tools/run.js';
import { readObservation, type BuiltSim, type RunOutcome, type RunSettings } from './verilator.js';
import { buildCachedSim, harnessArgs, icarusHost, readFlags, simKey } from './cache.js';
import { icarusTbModule, icarusTestbench } from '../../testbenches/generic.js';
import { vendorLibraries } from '../render/files.js';
import { vendorModels } from '../tools/vendor.js';

/** The build flags plus the vendor models the design compiles with (their hashes are part of the cache key). */
async function vendorFlags(files: GeneratedFile[]): Promise<string[]> {
  const models = await vendorModels(vendorLibraries(files));
  return [...ICARUS_FLAGS, ...models.map((m) => `vendor:${m.library}:${m.sha256}`)];
}

// SPIKEFORGE_OBSERVE adds the observation streams (docs/verification.md, observation).
export const ICARUS_FLAGS = ['-g2012', '-DSPIKEFORGE_OBSERVE'];

export { icarusTbModule, icarusTestbench };

/**
 * Compiles the design and its testbench with iverilog (cached). The returned model's
 * `binary` is the compiled `sim.vvp`; runs happen in `rtlDir` so `$readmemh` finds the
 * `.mem` files.
 */
/** The cache key of an Icarus model (see simKey). */
export async function icarusSimKey(files: GeneratedFile[], spec: TopPorts): Promise<string> {
  return simKey(files, icarusTestbench(spec), await toolVersion('iverilog', '-V'), await vendorFlags(files), spec.top, icarusHost());
}

export async function buildIcarusModel(files: GeneratedFile[], spec: TopPorts, timeoutSeconds = 300, extraFlags: readonly string[] = []): Promise<BuiltSim> {
  // Vendor primitives come from their third-party models, compiled as plain sources.
  const models = await vendorModels(vendorLibraries(files));
  return buildCachedSim({
    root: join(CACHE_DIR, 'icarus'),
    files,
    tbName: 'tb.sv',
    tb: icarusTestbench(spec),
    version: await toolVersion('iverilog', '-V'),
    flags: [...(await vendorFlags(files)), ...extraFlags],
    top: spec.top,
    host: icarusHost(),
    binary: 'sim.vvp',
    compile: async (tmp, svPaths) => {
      const r = await runTool(
        'iverilog',
        [...ICARUS_FLAGS, ...extraFlags, '-o', 'sim.vvp', '-s', icarusTbModule(spec), 'tb.sv', ...svPaths, ...models.map((m) => m.path)],
        `compiling the co-simulation model of ${spec.top}`,
        { cwd: tmp, timeoutSeconds },
      );
      // Icarus accepts some constructs it then ignores, with "sorry:"; a model built from
      // them would not be the design.
      if (/sorry:/i.test(r.stderr)) throw new ToolFailedError('iverilog', `compiling the co-simulation model of ${spec.top}`, r.stderr);
    },
  });
}

/** Status of a run whose output had X/Z: on a handshake (from the testbench) or in a delivered beat. */
export const STATUS_UNDEFINED = 5;

/** Runs a built Icarus model; same inputs, settings and result as the Verilator runSim. */
export async function runIcarusModel(
  build: BuiltSim,
  spec: TopPorts,
  inputs: StreamBeats,
  expected: Record<string, number>,
  settings: RunSettings,
): Promise<RunOutcome> {
  const runDir = cacheTempDir('run');
  try {
    const args = ['-n', build.binary, ...inCache(runDir, () => harnessArgs(runDir, spec, inputs, expected, settings))];
    const r = await runTool('vvp', args, `simulating ${spec.top}`, { cwd: build.rtlDir, timeoutSeconds: settings.timeoutSeconds });
    const statusLine = /^status (\d+)$/m.exec(r.stdout);
    if (!statusLine) throw new ToolFailedError('vvp', `simulating ${spec.top} (the testbench ended without a status)`, `${r.stdout}\n${r.stderr}`);
    let status = Number(statusLine[1]);
    if (status === 2) throw new ToolFailedError('vvp', `simulating ${spec.top}`, r.stdout);
    const messages = r.stdout.split('\n').filter((l) => l.startsWith('harness:'));

    const out: StreamBeats = {};
    const outCycles: Record<string, number[]> = {};
    for (const s of spec.outputs) {
      const lines = readFileSync(join(runDir, `out_${s.name}.txt`), 'utf8').split('\n').filter(Boolean);
      out[s.name] = [];
      outCycles[s.name] = [];
      lines.forEach((line, n) => {
        const [cycle, ...hex] = line.split(' ');
        outCycles[s.name]!.push(Number(cycle));
        out[s.name]!.push(
          hex.map((h, f) => {
            if (/[xz]/i.test(h)) {
              if (status === 0) status = STATUS_UNDEFINED;
              messages.push(`harness: stream ${s.name} beat ${n} (cycle ${cycle}) delivered X/Z bits on ${s.fields[f]?.port ?? f}_o: ${h}`);
              // Decode as 0 so the comparison can still name the first affected value.
              return BigInt(`0x${h.replace(/[xz]/gi, '0')}`);
            }
            return BigInt(`0x${h}`);
          }),
        );
      });
    }
    const observed = readObservation(runDir, spec);
    if (observed.undefined.length) {
      if (status === 0) status = STATUS_UNDEFINED;
      messages.push(...observed.undefined);
    }
    const cycles = Math.max(0, ...Object.values(outCycles).map((c) => (c.length ? c[c.length - 1]! + 1 : 0)));
    return { status, message: messages.join('\n'), out, outCycles, obs: observed.beats, obsCycles: observed.cycles, cycles, seconds: r.seconds, flags: readFlags(runDir, spec) };
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}
