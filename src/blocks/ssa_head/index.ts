/**
 * Block `ssa_head` (SPEC §6): Q, K, V spikes in, spikes out, over T timesteps.
 *   derive:  ./derive.ts (composes deriveXnor and deriveLifCore)   model: ./model.ts
 *   render:  generators/ssa_head.ts, templates/ssa_head/*.sv.hbs
 *   harness: testbenches/ssa_head.ts          tests: test/ssa_head.test.ts
 */
import { renderSsaHead, ssaHeadModule, ssaParams } from '../../../generators/ssa_head.js';
import { ssaHeadHarness } from '../../../testbenches/ssa_head.js';
import { toHex } from '../../core/bits.js';
import { field, hexMatrix, hexMatrixToJson } from '../../vectors/fields.js';
import type { BlockDef } from '../types.js';
import { deriveSsa, ssaCycleFormula, ssaCycles, type SsaDerived } from './derive.js';
import { ssaHeadModel, type SsaInputs, type SsaOutputs } from './model.js';

type Outputs = Pick<SsaOutputs, 'spikes'> & Partial<Pick<SsaOutputs, 'scores' | 'av'>>;

export const ssaHead: BlockDef<SsaDerived, SsaInputs, Outputs> = {
  name: 'ssa_head',
  summary: 'Spiking self-attention head: XNOR scores with Gray-PE/Log-PE, A·V, LIF (SPEC §6)',
  derive: deriveSsa,
  describe: (s) => ({
    ...ssaParams(s),
    cyclesPerSequence: s.timesteps * s.seqLen * s.xnor.beats,
    cyclesOneSequenceFromReset: ssaCycles(s, 1),
    cycleFormula: ssaCycleFormula(s),
    latencyCycles: s.xnor.latency + s.tailLatency,
    ...(s.lif.warnings.length ? { warnings: s.lif.warnings.join(' | ') } : {}),
  }),
  model: ssaHeadModel,
  topModule: ssaHeadModule,
  render: renderSsaHead,
  harness: ssaHeadHarness,
  vectors: {
    inputs: (s, json, where) => ({
      q: hexMatrix(field(json, 'q', where), `${where}.q`, s.timesteps, s.seqLen, s.width),
      k: hexMatrix(field(json, 'k', where), `${where}.k`, s.timesteps, s.seqLen, s.width),
      v: hexMatrix(field(json, 'v', where), `${where}.v`, s.timesteps, s.seqLen, s.width),
    }),
    // Scores and A·V sums are internal to the RTL: the co-simulation checks the spikes, the
    // model checks all three (its score and A·V stages are the co-simulated blocks' models).
    outputs: (s, _inputs, out) => ({
      spikes: out.spikes.map((row) => row.map((v) => (v < 0n ? 'missing' : toHex(v, s.width)))),
      ...(out.scores && s.heads === 1 ? { scores: out.scores[0], av: out.av![0] } : {}),
      ...(out.scores && s.heads > 1 ? { scores: out.scores, av: out.av } : {}),
    }),
    inputsToJson: (s, inputs) => ({
      q: hexMatrixToJson(inputs.q, s.width),
      k: hexMatrixToJson(inputs.k, s.width),
      v: hexMatrixToJson(inputs.v, s.width),
    }),
    modelOnly: ['scores', 'av'],
  },
};
