/**
 * Block `lif_array` (SPEC §5): M LIF neurons stepped over T timesteps.
 *
 *   spec (this folder):  derive.ts, model.ts, resources.ts, fuzz.ts
 *   generator:           generators/lif_array.ts, templates/lif_array/*.sv.hbs
 *   harness:             testbenches/lif_array.ts
 *   tests, docs:         test/lif_array.test.ts, docs/lif_array.md
 * The attention head reuses deriveLifCore and the array's generator.
 */
import { array, bigInteger, field } from '../../io/vector-fields.js';
import type { BlockSpec } from '../types.js';
import { lifArrayFuzz } from './fuzz.js';
import { lifArrayResources } from './resources.js';
import { deriveLif, type LifDerived } from './derive.js';
import { lifArrayModel, type LifArrayInputs, type LifArrayOutputs } from './model.js';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An integer for a vector file: a JSON number while exact, else a decimal string (SPEC §8). */
export function jsonInteger(v: bigint): number | string {
  return v <= SAFE && v >= -SAFE ? Number(v) : v.toString();
}

/** The stream top `<name>_lif_array`. */
export function lifArrayModule(d: LifDerived): string {
  return `${d.name}_lif_array`;
}

/**
 * Full-throughput cycles of `sequences` sequences back to back: one beat per neuron group
 * and timestep, the single-port banks' wait at each inner timestep boundary, the latency.
 */
export function lifCycles(d: LifDerived, sequences: number): number {
  return sequences === 0 ? 0 : sequences * (d.timesteps * d.groups + d.bubblesPerSequence) + d.latency;
}

export function lifCycleFormula(d: LifDerived): string {
  const wait = d.bubblesPerSequence ? ` + (T-1) = ${d.bubblesPerSequence} (single-port banks)` : '';
  return `S*(T*groups${wait}) + ${d.latency} for S sequences: per sequence ${d.timesteps * d.groups + d.bubblesPerSequence}`;
}

export const lifArray: BlockSpec<LifDerived, LifArrayInputs, LifArrayOutputs> = {
  name: 'lif_array',
  summary: 'LIF neuron array: spikingjelly LIFNode in fixed point, lanes neurons per beat (SPEC §5)',
  derive: deriveLif,
  describe: (d) => ({
    neurons: d.neurons,
    lanes: d.lanes,
    beatsPerTimestep: d.groups,
    timesteps: d.timesteps,
    fracBits: d.fracBits,
    fracBitsSource: d.fracBitsDefault ? 'default k*T + 8' : 'config',
    width: d.width,
    widthSource: d.widthDefault ? 'default: smallest width that cannot saturate' : 'config',
    safeWidth: d.safeWidth,
    saturation: d.saturates ? 'possible' : 'never',
    thetaFx: jsonInteger(d.thetaFx),
    vResetFx: jsonInteger(d.vResetFx),
    inputWidth: d.input.bits,
    calcWidth: d.calcWidth,
    stateStorage: d.storage.kind,
    stateStorageNote: d.storage.note,
    storedWidth: d.storage.storedWidth,
    latencyCycles: d.latency,
    cycleFormula: lifCycleFormula(d),
    warnings: d.warnings.length ? d.warnings.join(' | ') : 'none',
  }),
  model: lifArrayModel,
  ports: (d) => ({
    top: lifArrayModule(d),
    inputs: [{ name: 'cur', fields: [{ port: 'cur', width: d.lanes * d.input.bits, signed: d.input.signed, doc: `${d.lanes} current(s) of ${d.input.bits} bits: lane l (bits [l·${d.input.bits}, (l+1)·${d.input.bits})) drives neuron g·${d.lanes} + l of group g` }] }],
    outputs: [
      {
        name: 'spk',
        fields: [
          { port: 'spk', width: d.lanes, doc: `bit l: neuron g·${d.lanes} + l of group g spiked` },
          { port: 'mem', width: d.lanes * d.width, signed: true, doc: `${d.lanes} membrane(s) of ${d.width} bits after the step, lane l at bits [l·${d.width}, (l+1)·${d.width})` },
        ],
      },
    ],
  }),
  frames: (d) => ({
    cur: { beats: d.groups, what: `one timestep: ${d.groups} beat(s) of ${d.lanes} currents` },
    spk: { beats: d.groups, what: `one timestep: ${d.groups} beat(s) of ${d.lanes} neurons` },
  }),
  cycles: (d, cases) => lifCycles(d, cases.length),
  vectors: {
    inputs: (d, json, where) => {
      // Signed inputWidth-bit currents in units of 2^-F; JSON numbers or decimal strings.
      const at = `${where}.currents`;
      return {
        currents: array(field(json, 'currents', where), at, d.timesteps).map((row, t) =>
          array(row, `${at}[${t}]`, d.neurons).map((v, i) => bigInteger(v, `${at}[${t}][${i}]`, d.input.xMin, d.input.xMax)),
        ),
      };
    },
    outputs: (_d, _inputs, out) => ({
      spikes: out.spikes,
      membrane: out.membrane.map((row) => row.map(jsonInteger)),
    }),
    inputsToJson: (_d, inputs) => ({ currents: inputs.currents.map((row) => row.map(jsonInteger)) }),
  },
  resources: lifArrayResources,
  subjects: [
    { neurons: 4, lanes: 2, timesteps: 4, lif: { tauLog2: 1, reset: 'soft', threshold: 0.5 } },
    { neurons: 3, lanes: 1, timesteps: 3, lif: { tauLog2: 2, decayInput: false, reset: 'hard', vReset: -0.25, threshold: 1.25, fracBits: 10, width: 14 } },
    // Membranes in RAM: block RAM with a narrow stored width and an offset; single-port banks.
    // 13-bit currents: the membrane settles at Vr + 2·X, up to 1.75, so θ = 1.25 is reached
    // (with 10-bit currents it settled near 0 and this subject never spiked either).
    { neurons: 4, lanes: 2, timesteps: 3, fold: { membranes: 'memory' }, lif: { tauLog2: 1, decayInput: false, vReset: -0.25, threshold: 1.25, inputWidth: 13 } },
    // θ = 0.0625 (256 in units of 2^−12): reachable with 10-bit currents (at most 511; with
    // the input decayed the membrane tends to the current). With θ = 0.5 this subject never
    // spiked, so a mutant that tied its spike output to 0 could not be seen (mutation run of
    // 2026-11-30).
    { neurons: 6, lanes: 2, timesteps: 4, fold: { membranes: 'memory', memory: 'spram' }, lif: { tauLog2: 1, threshold: 0.0625, inputWidth: 10 } },
  ],
  fuzz: lifArrayFuzz,
};
