/**
 * Block `lif_array` (SPEC §5): M LIF neurons stepped over T timesteps.
 *   derive:  ./derive.ts        model: ./model.ts
 *   render:  generators/lif_array.ts, templates/lif_array/*.sv.hbs
 *   harness: testbenches/lif_array.ts         tests: test/lif_array.test.ts
 */
import { lifArrayModule, renderLifArray } from '../../../generators/lif_array.js';
import { lifArrayHarness } from '../../../testbenches/lif_array.js';
import { array, bigInteger, field } from '../../vectors/fields.js';
import type { BlockDef } from '../types.js';
import { deriveLif, type LifDerived } from './derive.js';
import { lifArrayModel, type LifArrayInputs, type LifArrayOutputs } from './model.js';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An integer for a vector file: a JSON number while exact, else a decimal string (SPEC §8). */
export function jsonInteger(v: bigint): number | string {
  return v <= SAFE && v >= -SAFE ? Number(v) : v.toString();
}

export const lifArray: BlockDef<LifDerived, LifArrayInputs, LifArrayOutputs> = {
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
    stateStorage: 'registers',
    latencyCycles: 1,
    warnings: d.warnings.length ? d.warnings.join(' | ') : 'none',
  }),
  model: lifArrayModel,
  topModule: lifArrayModule,
  render: renderLifArray,
  harness: lifArrayHarness,
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
};
