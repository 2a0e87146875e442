/**
 * The simulators a generated design can be co-simulated with. Both build a model once per
 * content hash and run it on stream files with the same harness semantics (SPEC §7
 * `check --rtl --sim`).
 */
import type { GeneratedFile } from '../render/files.js';
import type { TopPorts, StreamBeats } from '../blocks/ports.js';
import { buildIcarusModel, runIcarusModel } from './icarus.js';
import { buildSim, runSim, VERILATOR_VCD, type BuiltSim, type RunOutcome, type RunSettings } from './verilator.js';

export const SIMULATOR_NAMES = ['verilator', 'icarus'] as const;
export type SimulatorName = (typeof SIMULATOR_NAMES)[number];

export interface Simulator {
  name: SimulatorName;
  /**
   * False when the simulated files are not the generated RTL (the synthesised netlist): they
   * have no observation ports, so nothing inside is observed. Default true.
   */
  observes?: boolean;
  build(files: GeneratedFile[], spec: TopPorts): Promise<BuiltSim>;
  run(build: BuiltSim, spec: TopPorts, inputs: StreamBeats, expected: Record<string, number>, settings: RunSettings): Promise<RunOutcome>;
  /**
   * The same simulator built with waveform support, when this one's builds have none
   * (Verilator: `--trace` makes every build slower, and only a failing run or
   * `verify --trace` needs a waveform).
   */
  withWaves?: Simulator;
}

/** The simulator whose builds write waveforms: `sim` itself or its `withWaves` variant. */
export function wavesOf(sim: Simulator): Simulator {
  return sim.withWaves ?? sim;
}

export const SIMULATORS: Record<SimulatorName, Simulator> = {
  verilator: { name: 'verilator', build: (files, spec) => buildSim(files, spec), run: runSim, withWaves: VERILATOR_VCD },
  icarus: { name: 'icarus', build: (files, spec) => buildIcarusModel(files, spec), run: runIcarusModel },
};
