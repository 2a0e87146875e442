/**
 * Block `ssa_head` (SPEC §6): Q, K, V spikes in, spikes out, over T timesteps.
 *
 *   spec (this folder):  derive.ts (composes deriveXnor and deriveLifCore), model.ts
 *                        (composes the block models), resources.ts, fuzz.ts
 *   generator:           generators/ssa_head.ts, templates/ssa_head/*.sv.hbs
 *   harness:             testbenches/ssa_head.ts
 *   tests, docs:         test/ssa_head.test.ts, docs/ssa_head.md
 */
import { toHex } from '../../base/bits.js';
import { field, hexMatrix, hexMatrixToJson } from '../../io/vector-fields.js';
import { jsonInteger } from '../lif_array/index.js';
import type { BlockSpec } from '../types.js';
import { oddTable } from '../logpe_bias/index.js';
import { ssaHeadFuzz } from './fuzz.js';
import { ssaHeadResources } from './resources.js';
import { deriveSsa, ssaCycleFormula, ssaCycles, ssaCyclesPerSequence, type SsaDerived } from './derive.js';
import { ssaHeadModel, type SsaInputs, type SsaOutputs } from './model.js';
import { baudText } from './board.js';

type Outputs = Pick<SsaOutputs, 'spikes'> & Partial<Pick<SsaOutputs, 'scores' | 'av' | 'membrane'>>;

/** The top `<name>_ssa_head`. */
export function ssaHeadModule(s: SsaDerived): string {
  return `${s.name}_ssa_head`;
}

/** The fold in words. */
export function foldText(s: SsaDerived): string {
  const f = s.fold;
  const heads = f.headsPerEngine === 1 ? `${f.engines} engine(s), one head each (lock-step rows)` : `${f.engines} engine(s) x ${f.headsPerEngine} heads (head-major input)`;
  const lif = f.membranes === 'memory' ? `membranes in ${f.memory === 'spram' ? 'single-port RAMs (SPRAM)' : 'block RAM'}, ${f.neuronLanes} neuron lane(s), ${f.groupsPerRow} clock(s) per O row` : 'membranes in registers, one O row per clock';
  return `${heads}; ${lif}`;
}

/** Derived parameters in words, for describe() and the RTL headers. */
export function ssaParams(s: SsaDerived): Record<string, string | number> {
  return {
    Heads: s.heads,
    Fold: foldText(s),
    'D per head': s.dim,
    N: s.seqLen,
    T: s.timesteps,
    Lanes: s.xnor.lanes,
    S_max: s.xnor.maxScore,
    OWidth: `${s.oWidth} = bitlen(N * S_max = ${s.oMax})`,
    Scale: `${s.scale}: threshold' = ${s.lif.threshold}, vReset' = ${s.lif.vReset} (SPEC §6)`,
    FracBits: s.lif.fracBits,
    MembraneWidth: s.lif.width,
    Cycles: ssaCycleFormula(s),
  };
}

/** A spike row field of the head's streams: bit order, heads and folding. */
function rowDoc(s: SsaDerived, what: string): string {
  const E = s.fold.engines;
  const heads = E === 1 ? '' : `, head e of the beat at bits [e·${s.dim}, (e+1)·${s.dim})`;
  const fold = s.fold.headsPerEngine > 1 ? ` (folded: a beat carries ${E} of the ${s.heads} heads, head group by head group)` : '';
  return `${what} spike row: bit c of a head is feature c (D = ${s.dim})${heads}${fold}`;
}

export const ssaHead: BlockSpec<SsaDerived, SsaInputs, Outputs> = {
  name: 'ssa_head',
  summary: 'Spiking self-attention head: XNOR scores with Gray-PE/Log-PE, A·V, LIF (SPEC §6)',
  derive: deriveSsa,
  describe: (s) => ({
    ...ssaParams(s),
    headsPerEngine: s.fold.headsPerEngine,
    engines: s.fold.engines,
    membranes: s.fold.membranes,
    neuronLanes: s.fold.neuronLanes,
    membraneMemory: s.fold.membranes === 'memory' ? s.fold.memory : 'none',
    membraneStorage: s.lif.storage.note,
    storedMembraneWidth: s.lif.storage.storedWidth,
    streamOrder: s.fold.headsPerEngine === 1 ? 'lock-step: every beat carries all heads' : `head-major: ${s.fold.headsPerEngine} groups of ${s.fold.engines} head(s) per sequence, each group's T timesteps in turn`,
    cyclesPerSequence: ssaCyclesPerSequence(s),
    cyclesOneSequenceFromReset: ssaCycles(s, 1),
    cycleFormula: ssaCycleFormula(s),
    latencyCycles: s.xnor.latency + s.tailLatency,
    ...(s.board
      ? {
          board: `${s.board.title}: top ${s.name}_${s.board.name}, pins ${s.name}_${s.board.name}.pcf; UART ${baudText(s.board)}; frame ${s.board.frameBytes} bytes, response ${s.board.responseBytes} bytes (docs/board.md)`,
        }
      : {}),
    ...(s.lif.warnings.length ? { warnings: s.lif.warnings.join(' | ') } : {}),
  }),
  model: ssaHeadModel,
  ports: (s) => ({
    top: ssaHeadModule(s),
    inputs: [
      {
        name: 'kv',
        fields: [
          { port: 'k', width: s.portWidth, doc: rowDoc(s, 'key') },
          { port: 'v', width: s.portWidth, doc: rowDoc(s, 'value') },
        ],
      },
      { name: 'q', fields: [{ port: 'q', width: s.portWidth, doc: rowDoc(s, 'query') }] },
    ],
    outputs: [{ name: 'y', fields: [{ port: 'y', width: s.portWidth, doc: rowDoc(s, 'output') }] }],
  }),
  // Folded heads stream head group by head group, each with all T timesteps: a frame is the
  // N rows of one timestep of one head group either way.
  frames: (s) => ({
    kv: { beats: s.seqLen, what: `one timestep (of one head group when folded): the ${s.seqLen} K/V rows` },
    q: { beats: s.seqLen, what: `one timestep (of one head group when folded): the ${s.seqLen} query rows` },
    y: { beats: s.seqLen, what: `one timestep (of one head group when folded): the ${s.seqLen} output spike rows` },
  }),
  cycles: (s, cases) => ssaCycles(s, cases.length),
  vectors: {
    inputs: (s, json, where) => ({
      q: hexMatrix(field(json, 'q', where), `${where}.q`, s.timesteps, s.seqLen, s.width),
      k: hexMatrix(field(json, 'k', where), `${where}.k`, s.timesteps, s.seqLen, s.width),
      v: hexMatrix(field(json, 'v', where), `${where}.v`, s.timesteps, s.seqLen, s.width),
    }),
    // Scores, A·V sums and membranes are internal to the RTL: a co-simulation that observes
    // them (SPIKEFORGE_OBSERVE, testbenches/ssa_head.ts) compares them too; one that cannot
    // (the synthesised netlist) compares the spikes only.
    outputs: (s, _inputs, out) => {
      const membrane = out.membrane?.map((h) => h.map((rt) => rt.map((row) => row.map(jsonInteger))));
      return {
        spikes: out.spikes.map((row) => row.map((v) => (v < 0n ? 'missing' : toHex(v, s.width)))),
        ...(out.scores && s.heads === 1 ? { scores: out.scores[0], av: out.av![0], ...(membrane ? { membrane: membrane[0] } : {}) } : {}),
        ...(out.scores && s.heads > 1 ? { scores: out.scores, av: out.av, ...(membrane ? { membrane } : {}) } : {}),
      };
    },
    inputsToJson: (s, inputs) => ({
      q: hexMatrixToJson(inputs.q, s.width),
      k: hexMatrixToJson(inputs.k, s.width),
      v: hexMatrixToJson(inputs.v, s.width),
    }),
    modelOnly: ['scores', 'av', 'membrane'],
  },
  resources: ssaHeadResources,
  subjects: [
    // θ' = threshold / scale = 16 sits inside the range of O = Σ S·v (S ≤ 12), so neurons
    // both spike and carry charge over to the next timestep.
    { seqLen: 5, dim: 6, timesteps: 2, lanes: 2, grayPe: { enabled: true }, logPe: { enabled: true }, scale: 0.03125, lif: { threshold: 0.5 } },
    { seqLen: 4, dim: 5, timesteps: 3, lanes: 1, similarity: 'and', scale: 0.5, lif: { reset: 'soft', threshold: 1 } },
    // One beat per row (lanes = N): every beat is both first and last of its row.
    { seqLen: 4, dim: 4, timesteps: 2, lanes: 4, grayPe: { enabled: true }, logPe: { enabled: true, mode: 'table', table: oddTable(4) }, scale: 0.0625, lif: { threshold: 0.5, tauLog2: 2 } },
    // N = 2 with both PEs (engine latency 3): the engine can issue every row of timestep t+1
    // while the A·V stage still holds the last row of t, so V of t+3 may load early — the
    // V-bank bookkeeping is observable here and nowhere else.
    { seqLen: 2, dim: 4, timesteps: 4, lanes: 2, grayPe: { enabled: true }, logPe: { enabled: true }, scale: 0.125, lif: { threshold: 0.5 } },
    // Folded: two heads on one engine (head-major), membranes in block RAM, LIF-bound (G = 4 > 2 beats).
    { seqLen: 4, dim: 4, timesteps: 3, lanes: 2, heads: 2, fold: { headsPerEngine: 2, membranes: 'memory', neuronLanes: 1 }, grayPe: { enabled: true }, scale: 0.03125, lif: { threshold: 0.5 } },
    // Membranes in single-port banks (ping-pong), engine-bound (G = 2 < 4 beats).
    { seqLen: 4, dim: 4, timesteps: 3, lanes: 1, fold: { membranes: 'memory', neuronLanes: 2, memory: 'spram' }, similarity: 'and', scale: 0.0625, lif: { threshold: 0.5 } },
  ],
  fuzz: ssaHeadFuzz,
};
