/**
 * Block `xnor_attention` (SPEC §3): the XNOR-popcount attention engine with Gray-PE and
 * Log-PE fused.
 *
 *   spec (this folder):  derive.ts, model.ts, resources.ts, fuzz.ts
 *   generator:           generators/xnor_attention.ts (+ the popcount part,
 *                        generators/parts/popcount.ts), templates/xnor_attention/, templates/popcount/
 *   harness:             testbenches/xnor_attention.ts
 *   tests, docs:         test/xnor_attention.test.ts, docs/xnor_attention.md
 */
import { field, hexMatrix, hexMatrixToJson } from '../../io/vector-fields.js';
import type { BlockSpec } from '../types.js';
import { oddTable } from '../logpe_bias/index.js';
import { cycleFormula, deriveXnor, engineCycles, type XnorDerived } from './derive.js';
import { xnorAttentionFuzz } from './fuzz.js';
import { xnorAttentionResources } from './resources.js';
import { xnorAttentionModel, type XnorInputs, type XnorOutputs } from './model.js';

/** The engine `<name>_xnor_attention`. */
export function xnorAttentionModule(d: XnorDerived): string {
  return `${d.name}_xnor_attention`;
}

export const xnorAttention: BlockSpec<XnorDerived, XnorInputs, XnorOutputs> = {
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
    keyBufferBits: d.keyBuffer.memories * d.keyBuffer.words * d.keyBuffer.width,
    popcountLevelsPerClock: d.popcountPipe.every,
    popcountStages: d.popcountStages,
    logPeSplit: d.logPeSplit,
    keyWriteRegistered: d.keyWriteReg,
    latencyCycles: d.latency,
    cyclesPerTimestep: d.seqLen * d.beats,
    cyclesPerSequence: d.timesteps * d.seqLen * d.beats,
    cycleFormula: cycleFormula(d),
  }),
  model: xnorAttentionModel,
  ports: (d) => ({
    top: xnorAttentionModule(d),
    inputs: [
      { name: 'k', fields: [{ port: 'k', width: d.dim, doc: `key spike row k_j: bit c is feature c (D = ${d.dim})` }] },
      { name: 'q', fields: [{ port: 'q', width: d.dim, doc: `query spike row q_i: bit c is feature c (D = ${d.dim})` }] },
    ],
    outputs: [
      {
        name: 'score',
        fields: [
          { port: 'score', width: d.lanes * d.scoreWidth, doc: `${d.lanes} score lane(s) of ${d.scoreWidth} bits: lane l (bits [l·${d.scoreWidth}, (l+1)·${d.scoreWidth})) is S[qi][kj + l]` },
          { port: 'score_keep', width: d.lanes, doc: 'bit l: lane l holds a real score (0 past N − 1 in the last beat of a row)' },
          { port: 'score_last', width: 1, doc: 'last beat of a score row' },
          { port: 'score_qi', width: d.idxWidth, doc: 'query row i of this beat' },
          { port: 'score_kj', width: d.idxWidth, doc: 'key index of lane 0' },
        ],
      },
    ],
  }),
  frames: (d) => ({
    k: { beats: d.seqLen, what: `one timestep: the ${d.seqLen} key rows` },
    q: { beats: d.seqLen, what: `one timestep: the ${d.seqLen} query rows` },
    score: { beats: d.seqLen * d.beats, what: `one timestep: ${d.seqLen} score rows of ${d.beats} beat(s)` },
  }),
  cycles: (d, cases) => engineCycles(d, cases.length * d.timesteps),
  vectors: {
    inputs: (d, json, where) => ({
      q: hexMatrix(field(json, 'q', where), `${where}.q`, d.timesteps, d.seqLen, d.dim),
      k: hexMatrix(field(json, 'k', where), `${where}.k`, d.timesteps, d.seqLen, d.dim),
    }),
    outputs: (_d, _inputs, out) => ({ scores: out.scores }),
    inputsToJson: (d, inputs) => ({ q: hexMatrixToJson(inputs.q, d.dim), k: hexMatrixToJson(inputs.k, d.dim) }),
  },
  resources: xnorAttentionResources,
  subjects: [
    { seqLen: 6, dim: 10, timesteps: 2, lanes: 2, grayPe: { enabled: true }, logPe: { enabled: true }, popcount: 'carry-tree' },
    { seqLen: 5, dim: 7, timesteps: 1, lanes: 1, similarity: 'and', popcount: 'gpc63' },
    // Four grid rows: x | (x >> 1) differs from the Gray code x ^ (x >> 1) only from x = 3 on.
    { seqLen: 8, dim: 6, timesteps: 2, lanes: 4, grid: { rows: 4, cols: 2 }, grayPe: { enabled: true }, logPe: { enabled: true, mode: 'table', table: oddTable(8) }, popcount: 'loop' },
    // D + G = 30 match bits: the LUT6 counter tree ends in an adder whose sum fits its operand
    // width (pc_add's g_fits branch, which no other subject elaborates), and AND and XNOR
    // pairs in one leaf (pc_pairs' g_and and g_xnor).
    { seqLen: 4, dim: 28, timesteps: 2, lanes: 2, similarity: 'and', grayPe: { enabled: true }, popcount: 'gpc63' },
  ],
  fuzz: xnorAttentionFuzz,
};
