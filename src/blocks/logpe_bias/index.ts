/**
 * Block `logpe_bias` (SPEC §2): (query i, key j) → Log-PE bias.
 *   derive:  ./derive.ts        model: ./model.ts
 *   render:  generators/logpe_bias.ts, templates/logpe_bias/*.sv.hbs
 *   harness: testbenches/logpe_bias.ts          tests: test/logpe_bias.test.ts
 * The XNOR engine reuses deriveLogPe / deriveLogPeLanes and renderLogPeLanes.
 */
import { logPeBiasModule, logPeMemory, renderLogPeBias } from '../../../generators/logpe_bias.js';
import { logPeBiasHarness } from '../../../testbenches/logpe_bias.js';
import { array, field, integer } from '../../vectors/fields.js';
import type { BlockDef } from '../types.js';
import { deriveLogPe, type LogPeDerived } from './derive.js';
import { logPeBiasModel, type LogPeBiasInputs, type LogPeBiasOutputs } from './model.js';

export const logPeBias: BlockDef<LogPeDerived, LogPeBiasInputs, LogPeBiasOutputs> = {
  name: 'logpe_bias',
  summary: 'Log-PE bias: (i, j) -> clog2(N - |i - j|) or table[i][j], 1-D or 2-D (SPEC §2)',
  derive: deriveLogPe,
  describe: (l) => ({
    mode: l.mode,
    table: l.mode === 'table' ? (l.tableSource ?? 'inline') : 'none',
    distanceOnly: l.distanceOnly,
    grid: l.grid ? `${l.grid.rows}x${l.grid.cols}` : 'none',
    impl: l.impl,
    maxBias: l.maxBias,
    biasWidth: l.biasWidth,
    idxWidth: l.idxWidth,
    memory: logPeMemory(l, 1),
    latencyCycles: 1,
  }),
  model: logPeBiasModel,
  topModule: logPeBiasModule,
  render: renderLogPeBias,
  harness: logPeBiasHarness,
  vectors: {
    inputs: (l, json, where) => {
      const last = l.geometry.seqLen - 1;
      const at = `${where}.pairs`;
      return {
        pairs: array(field(json, 'pairs', where), at).map((p, k): [number, number] => {
          const [i, j] = array(p, `${at}[${k}]`, 2);
          return [integer(i, `${at}[${k}][0]`, 0, last), integer(j, `${at}[${k}][1]`, 0, last)];
        }),
      };
    },
    outputs: (_l, _inputs, out) => ({ bias: out.bias }),
    inputsToJson: (_l, inputs) => ({ pairs: inputs.pairs }),
  },
};
