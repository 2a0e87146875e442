/**
 * `verify`: random + corner + exhaustive stimulus, golden model vs RTL, twice — once at
 * full throughput (no gaps, no back-pressure: measures cycles) and once with random
 * input gaps and output back-pressure.
 */
import type { StimulusCase } from '../../testbenches/types.js';
import { join } from 'node:path';
import { cosimCompare, failWithWaveform, buildDesignSim, simulate } from '../cosim/cosim.js';
import { SIMULATORS, wavesOf, type Simulator, type SimulatorName } from '../cosim/simulators.js';
import type { Design } from '../design/design.js';
import { Rng } from '../base/rng.js';
import { makeOutputDir } from '../io/write.js';
import { measureRates } from '../estimate/operations.js';

export interface VerifyOptions {
  /** Random cases on top of the corner and exhaustive ones. */
  vectors: number;
  seed: number;
  /** Also keep a waveform of the back-pressure run, even when it passes. */
  trace: boolean;
  /** Where waveforms go. */
  traceDir: string;
  /**
   * Write a waveform of a failing run (default true). A Verilator model is built without
   * waveform support, so this builds a second model; the mutation tool and tests that
   * expect a failure switch it off.
   */
  failureWaveform?: boolean;
  /** Default `verilator`. */
  simulator?: SimulatorName;
  /** A simulator object instead (e.g. the synthesised netlist, src/cosim/netlist.ts); wins over `simulator`. */
  simulatorImpl?: Simulator;
  /** What is simulated, for the log ("the RTL" by default). */
  subject?: string;
  log?: (line: string) => void;
}

export interface VerifyReport {
  cases: number;
  values: number;
  build: { cacheHit: boolean; seconds: number; key: string };
  runs: { label: string; pValid: number; pReady: number; cycles: number; seconds: number }[];
  expectedCycles: number | null;
  /** Cycles of the full-throughput run, from reset release to the last output beat. */
  measuredCycles: number;
  tracePath: string | null;
  /** Internal values compared through the observation streams (SPIKEFORGE_OBSERVE), e.g. scores, av, membrane; empty when none. */
  observed: string[];
  /** How many expected values those are, on top of `values`. */
  observedValues: number;
  /** Fraction of set bits per spike tensor of the stimulus (q, k, v) and the expected output spikes (y); empty for blocks without spikes. */
  spikeRates: Record<string, number>;
}

/**
 * The back-pressure run's output ready probability for a block whose output is slow
 * (harness.pacedBackPressure): p times the output beats per clock the full-throughput run
 * delivered (its busiest output stream). The output then takes beats at p times the rate the
 * design can deliver them, so every buffer inside fills and every stall path is taken in
 * every run, whatever the seed. (An unscaled p of 0.3–0.9 against a head that offers a row
 * every 3 or 4 clocks stalled the A·V stage, the engine and the LIF array only at the
 * seeds that drew p below about 0.5.)
 */
function pacedReady(p: number, design: Design, cases: StimulusCase<unknown>[], fullCycles: number): number {
  const beats = Math.max(...Object.values(design.block.harness.expectedBeats(design.derived, cases.map((c) => c.inputs))));
  const rate = Math.min(1, beats / Math.max(1, fullCycles));
  return Number((p * rate).toPrecision(3));
}

function countValues(v: unknown): number {
  return Array.isArray(v) ? v.reduce((n: number, x) => n + countValues(x), 0) : 1;
}

export async function verifyDesign(design: Design, opts: VerifyOptions): Promise<VerifyReport> {
  const log = opts.log ?? (() => {});
  const { block, derived } = design;
  const rng = new Rng(opts.seed);
  const cases: StimulusCase<unknown>[] = block.harness.stimulus(derived, rng, opts.vectors);
  const modelOut = cases.map((c) => block.model(derived, c.inputs));
  const expected = cases.map((c, i) => block.vectors.outputs(derived, c.inputs, modelOut[i]));
  // Spike rates of the stimulus and of the expected output spikes (heads and LIF arrays): a
  // head that fires on nearly every bit, or on none, would hide a wrong membrane or sum.
  const spikeRates = measureRates(design.config.top, derived, cases.map((c) => c.inputs), modelOut as Record<string, unknown>[]);
  // Values the RTL is compared on (internal values such as the head's scores are model-only).
  const modelOnly = new Set(block.vectors.modelOnly ?? []);
  const values = expected.reduce(
    (n, e) => n + Object.entries(e).reduce((m: number, [key, v]) => m + (modelOnly.has(key) ? 0 : countValues(v)), 0),
    0,
  );
  log(`golden model: ${cases.length} cases, ${values} output values`);

  const chosen = opts.simulatorImpl ?? SIMULATORS[opts.simulator ?? 'verilator'];
  // verify --trace keeps a waveform of a passing run: build with waveform support at once.
  const sim = opts.trace ? wavesOf(chosen) : chosen;
  log(`building the ${sim.name === 'verilator' ? 'Verilator' : 'Icarus'} simulation of ${opts.subject ?? 'the RTL'} (cached by content hash)...`);
  const build = await buildDesignSim(design, sim);
  log(build.cacheHit ? `simulation: cache hit (${build.key})` : `simulation: built in ${build.seconds.toFixed(1)} s (${build.key})`);

  const settings = [
    { label: 'full-throughput', seed: opts.seed, pValid: 1, pReady: 1 },
    { label: 'back-pressure', seed: opts.seed + 1, pValid: 0.3 + 0.6 * rng.float(), pReady: 0.3 + 0.6 * rng.float() },
  ].map((s) => ({ ...s, pValid: Number(s.pValid.toFixed(3)), pReady: Number(s.pReady.toFixed(3)) }));

  const runs: VerifyReport['runs'] = [];
  let tracePath: string | null = null;
  let observed: string[] = [];
  for (const s of settings) {
    if (s.label === 'back-pressure' && block.harness.pacedBackPressure) s.pReady = pacedReady(s.pReady, design, cases, runs[0]!.cycles);
    log(`simulating (${s.label}: pValid ${s.pValid}, pReady ${s.pReady}, seed ${s.seed})...`);
    const { label, ...run } = s;
    const check = await cosimCompare(design, cases, expected, run, build, sim);
    if (check.fault || check.mismatch) await failWithWaveform(design, cases, check, opts.failureWaveform === false ? null : opts.traceDir, label, sim);
    runs.push({ label, pValid: s.pValid, pReady: s.pReady, cycles: check.run.cycles, seconds: check.run.seconds });
    observed = check.observed ?? [];
    if (opts.trace && label === 'back-pressure') {
      tracePath = join(makeOutputDir(opts.traceDir), `${design.config.name}_${label}_seed${s.seed}.${build.waveExt ?? 'vcd'}`);
      await simulate(design, cases.map((c) => c.inputs), { ...run, tracePath }, build, sim);
    }
  }
  const full = runs[0]!;
  const observedValues = expected.reduce((n, e) => n + observed.reduce((m, key) => m + (key in e ? countValues(e[key]) : 0), 0), 0);
  if (observed.length) log(`observed inside the RTL (SPIKEFORGE_OBSERVE): ${observed.join(', ')}, ${observedValues} values`);
  return {
    cases: cases.length,
    values,
    build: { cacheHit: build.cacheHit, seconds: build.seconds, key: build.key },
    runs,
    expectedCycles: block.cycles(derived, cases.map((c) => c.inputs)),
    measuredCycles: full.cycles,
    tracePath,
    spikeRates,
    observed,
    observedValues,
  };
}
