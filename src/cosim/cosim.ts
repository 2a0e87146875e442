/**
 * Co-simulation of a generated design against its golden model: encode the cases into
 * stream beats, run the compiled simulation (Verilator unless told otherwise), decode,
 * compare every output value.
 */
import { join } from 'node:path';
import type { StimulusCase } from '../../testbenches/types.js';
import type { TopPorts } from '../blocks/ports.js';
import type { Design } from '../design/design.js';
import { MismatchError } from '../base/errors.js';
import { firstMismatch, formatMismatch, type Mismatch } from '../base/compare.js';
import { STATUS_ASSERTION, type BuiltSim, type RunOutcome, type RunSettings } from './verilator.js';
import { SIMULATORS, wavesOf, type Simulator } from './simulators.js';
import { STATUS_UNDEFINED } from './icarus.js';
import { makeOutputDir } from '../io/write.js';

export interface SimulationResult<O> {
  outputs: O[];
  /** Per case, the internals the observation streams showed (vector form); null when not observed. */
  observed: Record<string, unknown>[] | null;
  run: RunOutcome;
  build: BuiltSim;
  /** Output beats beyond what the cases call for (duplicates), per stream. */
  extraBeats: Record<string, number>;
}

/**
 * The streams a simulation of the design drives and captures: the block's ports, plus the
 * harness's observation streams when the simulator builds the generated RTL (which then has
 * them under SPIKEFORGE_OBSERVE).
 */
export function simPorts(design: Design, sim: Simulator): TopPorts {
  const ports = design.block.ports(design.derived);
  const observe = design.block.harness.observe;
  if (!observe || sim.observes === false) return ports;
  return { ...ports, observe: observe.streams(design.derived) };
}

export async function buildDesignSim(design: Design, sim: Simulator = SIMULATORS.verilator): Promise<BuiltSim> {
  return sim.build(design.files, simPorts(design, sim));
}

/** Generous cycle budget: a hang is reported as a time-out, not waited on forever. */
export function cycleBudget(design: Design, cases: unknown[], beats: number, settings: Pick<RunSettings, 'pValid' | 'pReady'>): number {
  const ideal = Math.max(beats, design.block.cycles(design.derived, cases));
  return Math.ceil((ideal * 8) / Math.min(settings.pValid, settings.pReady)) + 10_000;
}

export async function simulate<O>(
  design: Design,
  cases: unknown[],
  settings: Omit<RunSettings, 'maxCycles' | 'timeoutSeconds'> & { timeoutSeconds?: number },
  prebuilt?: BuiltSim,
  sim: Simulator = SIMULATORS.verilator,
): Promise<SimulationResult<O>> {
  const harness = design.block.harness;
  const spec = simPorts(design, sim);
  // A run that writes a waveform needs a build with waveform support (wavesOf).
  const runner = settings.tracePath ? wavesOf(sim) : sim;
  const built = prebuilt ?? (await buildDesignSim(design, runner));
  if (settings.tracePath && built.waveExt === null) throw new Error(`internal: a waveform was asked of ${design.config.name}'s model built without waveform support`);
  const inputs = harness.encode(design.derived, cases);
  const expected = harness.expectedBeats(design.derived, cases);
  const beats = Object.values(inputs).reduce((n, b) => n + b.length, 0) + Object.values(expected).reduce((n, b) => n + b, 0);
  const maxCycles = cycleBudget(design, cases, beats, settings);
  const run = await runner.run(built, spec, inputs, expected, {
    ...settings,
    maxCycles,
    // Wall-clock limit: 5 minutes, or longer for long runs (at 1,000 cycles/s of the budget's
    // ideal count — slower than any simulator here on the largest presets).
    timeoutSeconds: settings.timeoutSeconds ?? Math.max(300, Math.ceil(maxCycles / 8000)),
  });
  const extraBeats: Record<string, number> = {};
  for (const s of spec.outputs) {
    const extra = (run.out[s.name]?.length ?? 0) - (expected[s.name] ?? 0);
    if (extra > 0) extraBeats[s.name] = extra;
  }
  const observed = spec.observe?.length && harness.observe ? harness.observe.decode(design.derived, cases, run.obs ?? {}) : null;
  return { outputs: harness.decode(design.derived, cases, run.out) as O[], observed, run, build: built, extraBeats };
}

export interface CosimCheck {
  settings: Omit<RunSettings, 'maxCycles' | 'timeoutSeconds'>;
  run: RunOutcome;
  build: BuiltSim;
  mismatch: { caseName: string; mismatch: Mismatch } | null;
  /** Set when the run ended badly (time-out, protocol violation, X/Z, extra beats). */
  fault: string | null;
  simulator: Simulator['name'];
  /** The internals compared through the observation streams (e.g. scores, av, membrane); absent or empty when none. */
  observed?: string[];
}

/** Runs the cases and compares the RTL against `expected` (the model's outputs, in vector form). */
export async function cosimCompare(
  design: Design,
  cases: StimulusCase<unknown>[],
  expected: Record<string, unknown>[],
  settings: Omit<RunSettings, 'maxCycles' | 'timeoutSeconds'>,
  prebuilt?: BuiltSim,
  simulator: Simulator = SIMULATORS.verilator,
): Promise<CosimCheck> {
  const inputs = cases.map((c) => c.inputs);
  const sim = await simulate(design, inputs, settings, prebuilt, simulator);
  let fault: string | null = null;
  if (sim.run.status === 3) fault = `simulation time-out: ${sim.run.message}`;
  else if (sim.run.status === 4) fault = `stream protocol violation: ${sim.run.message}`;
  else if (sim.run.status === STATUS_ASSERTION) fault = `assertion failed: ${sim.run.message}`;
  else if (sim.run.status === STATUS_UNDEFINED) fault = `undefined value (X/Z) under ${simulator.name}: ${sim.run.message}`;
  else if (sim.run.status !== 0) fault = `simulation ended with status ${sim.run.status}: ${sim.run.message}`;
  else if (Object.keys(sim.extraBeats).length) {
    fault = `the design sent more beats than the cases call for (duplicated output): ${JSON.stringify(sim.extraBeats)}`;
  }
  // A flag output (the AXI4-Stream wrapper's error_o) must stay 0 in a correct run.
  for (const [port, changes] of Object.entries(sim.run.flags ?? {})) {
    if (!fault && changes.length) fault = `flag ${port} went to ${changes[0]!.value < 0n ? 'X' : changes[0]!.value} at cycle ${changes[0]!.cycle} (${flagDoc(design, port)})`;
  }
  if (!fault) fault = design.block.harness.fault?.(design.derived, inputs, sim.run.out) ?? null;
  let mismatch: CosimCheck['mismatch'] = null;
  const modelOnly = new Set(design.block.vectors.modelOnly ?? []);
  const observedKeys = new Set<string>();
  for (let i = 0; i < cases.length && !mismatch; i++) {
    const seen = sim.observed?.[i] ?? {};
    for (const key of Object.keys(seen)) observedKeys.add(key);
    const got = { ...design.block.vectors.outputs(design.derived, inputs[i], sim.outputs[i]), ...seen };
    // Observed internals first, in the order the block lists them (upstream first: a wrong
    // score is named before the sum and the spike it spoils), then the outputs.
    const entries = Object.entries(expected[i]!).filter(([key]) => !modelOnly.has(key) || key in seen);
    const internal = entries.filter(([key]) => key in seen).sort(([a], [b]) => Object.keys(seen).indexOf(a) - Object.keys(seen).indexOf(b));
    const m = firstMismatch(Object.fromEntries([...internal, ...entries.filter(([key]) => !(key in seen))]), got);
    if (m) mismatch = { caseName: cases[i]!.name, mismatch: m };
  }
  return { settings, run: sim.run, build: sim.build, mismatch, fault, simulator: simulator.name, observed: [...observedKeys] };
}

function flagDoc(design: Design, port: string): string {
  return design.block.ports(design.derived).flags?.find((f) => f.port === port)?.doc ?? 'a status output';
}

/**
 * Re-runs a failing check with a waveform and throws a MismatchError that names the first
 * difference and the waveform's path. The check ran on `simulator`; when its build has no
 * waveform support, the design is built once more with it (wavesOf) and the same run
 * repeated there: same stimulus, seed and valid/ready pattern, so the same failure.
 * `traceDir` null: no waveform (the error names the failure only).
 */
export async function failWithWaveform(
  design: Design,
  cases: StimulusCase<unknown>[],
  check: CosimCheck,
  traceDir: string | null,
  label: string,
  // The simulator of the check (a netlist or spikes-only one builds other ports than the named one).
  simulator: Simulator = SIMULATORS[check.simulator],
): Promise<never> {
  const inside = check.mismatch && (check.observed ?? []).includes(check.mismatch.mismatch.key) ? ' (an internal value, observed under SPIKEFORGE_OBSERVE)' : '';
  const what = check.fault ?? (check.mismatch ? `RTL differs from the golden model: ${formatMismatch(check.mismatch.caseName, check.mismatch.mismatch)}${inside}` : 'unknown');
  const under = check.simulator === 'verilator' ? '' : ` (under ${check.simulator})`;
  const run = `\n  run: seed ${check.settings.seed}, pValid ${check.settings.pValid}, pReady ${check.settings.pReady}`;
  if (traceDir === null) throw new MismatchError(`${what}${under}${run}`);
  const dir = makeOutputDir(traceDir);
  const waves = wavesOf(simulator);
  const build = waves === simulator && check.build.waveExt !== null ? check.build : await buildDesignSim(design, waves);
  const suffix = check.simulator === 'verilator' ? '' : `_${check.simulator}`;
  const tracePath = join(dir, `${design.config.name}_${label}_seed${check.settings.seed}${suffix}.${build.waveExt ?? 'vcd'}`);
  const window = traceWindow(design, cases, check);
  await simulate(design, cases.map((c) => c.inputs), { ...check.settings, tracePath, ...(window ? { traceWindow: window } : {}) }, build, waves);
  throw new MismatchError(
    `${what}${under}${run}\n  waveform: ${tracePath}` +
      (window ? ` (cycles ${window.from} to ${window.to}: around the failure)` : ''),
  );
}

/** Cycles kept before a fault (an assertion, a protocol violation, a time-out) in its waveform. */
export const TRACE_BEFORE_FAULT = 2000;

/**
 * The cycles a failure's waveform keeps, so a long run does not write gigabytes: for a
 * mismatch, the failing case — from its first output beat back by the case's own length
 * (its inputs went in before its outputs came out) to its last output beat; for a fault,
 * the TRACE_BEFORE_FAULT cycles up to the cycle the harness named. Null: the whole run
 * (the failure cannot be placed, or the run is short anyway).
 */
export function traceWindow(design: Design, cases: StimulusCase<unknown>[], check: CosimCheck): { from: number; to: number } | null {
  const clip = (from: number, to: number) => (to - from < 4 * TRACE_BEFORE_FAULT && from === 0 ? null : { from, to });
  if (check.mismatch) {
    const idx = cases.findIndex((c) => c.name === check.mismatch!.caseName);
    if (idx < 0) return null;
    const inputs = cases.map((c) => c.inputs);
    const before = design.block.harness.expectedBeats(design.derived, inputs.slice(0, idx));
    const through = design.block.harness.expectedBeats(design.derived, inputs.slice(0, idx + 1));
    const firsts: number[] = [];
    const lasts: number[] = [];
    for (const [stream, cycles] of Object.entries(check.run.outCycles)) {
      const first = cycles[before[stream] ?? 0];
      const last = cycles[Math.min(cycles.length, through[stream] ?? 0) - 1];
      if (first !== undefined) firsts.push(first);
      if (last !== undefined) lasts.push(last);
    }
    if (!firsts.length || !lasts.length) return null;
    const first = Math.min(...firsts);
    const last = Math.max(...lasts);
    return clip(Math.max(0, first - (last - first) - 64), last + 16);
  }
  const at = /at cycle (\d+)|after (\d+) cycles/.exec(check.run.message);
  if (!at) return null;
  const cycle = Number(at[1] ?? at[2]);
  return clip(Math.max(0, cycle - TRACE_BEFORE_FAULT), cycle + 2);
}
