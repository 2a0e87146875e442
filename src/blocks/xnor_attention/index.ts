/**
 * Block `xnor_attention` (SPEC §3): the XNOR-popcount attention engine with Gray-PE and
 * Log-PE fused.
 *   derive:  ./derive.ts        model: ./model.ts
 *   render:  generators/xnor_attention.ts (+ generators/popcount.ts), templates/xnor_attention/,
 *            templates/popcount/
 *   harness: testbenches/xnor_attention.ts     tests: test/xnor_attention.test.ts
 *   docs:    docs/xnor_attention.md
 */
import { cycleFormula, renderXnorAttention, xnorAttentionModule } from '../../../generators/xnor_attention.js';
import { xnorAttentionHarness } from '../../../testbenches/xnor_attention.js';
import { field, hexMatrix, hexMatrixToJson } from '../../vectors/fields.js';
import type { BlockDef } from '../types.js';
import { deriveXnor, type XnorDerived } from './derive.js';
import { xnorAttentionModel, type XnorInputs, type XnorOutputs } from './model.js';

export const xnorAttention: BlockDef<XnorDerived, XnorInputs, XnorOutputs> = {
  name: 'xnor_attention',
  summary: 'XNOR-popcount attention scores with fused Gray-PE and Log-PE, Lanes scores per clock (SPEC §3)',
  derive: deriveXnor,
  describe: (d) => ({
    seqLen: d.seqLen,
    timesteps: d.timesteps,
    dim: d.dim,
    similarity: d.similarity,
    grayBits: d.grayBits,
    maxBias: d.maxBias,
    maxScore: d.maxScore,
    scoreWidth: d.scoreWidth,
    countBits: d.countBits,
    lanes: d.lanes,
    beatsPerRow: d.beats,
    popcount: d.popcount,
    popcountSource: d.popcountSource,
    target: d.target,
    keyBufferBits: 2 * d.lanes * d.beats * d.countBits,
    latencyCycles: d.latency,
    cyclesPerTimestep: d.seqLen * d.beats,
    cyclesPerSequence: d.timesteps * d.seqLen * d.beats,
    cycleFormula: cycleFormula(d),
  }),
  model: xnorAttentionModel,
  topModule: xnorAttentionModule,
  render: renderXnorAttention,
  harness: xnorAttentionHarness,
  vectors: {
    inputs: (d, json, where) => ({
      q: hexMatrix(field(json, 'q', where), `${where}.q`, d.timesteps, d.seqLen, d.dim),
      k: hexMatrix(field(json, 'k', where), `${where}.k`, d.timesteps, d.seqLen, d.dim),
    }),
    outputs: (_d, _inputs, out) => ({ scores: out.scores }),
    inputsToJson: (d, inputs) => ({ q: hexMatrixToJson(inputs.q, d.dim), k: hexMatrixToJson(inputs.k, d.dim) }),
  },
};
