/**
 * Block `logpe_bias` (SPEC §2): (query i, key j) → Log-PE bias.
 *
 *   spec (this folder):  derive.ts, model.ts, resources.ts, fuzz.ts
 *   generator:           generators/logpe_bias.ts, templates/logpe_bias/*.sv.hbs
 *   harness:             testbenches/logpe_bias.ts
 *   tests, docs:         test/logpe_bias.test.ts, docs/logpe_bias.md
 * The XNOR engine reuses deriveLogPe / deriveLogPeLanes and the lanes core's generator.
 */
import { array, field, integer } from '../../io/vector-fields.js';
import { ice40 } from '../../targets/ice40.js';
import type { BlockSpec } from '../types.js';
import { deriveLogPe, deriveLogPeLanes, type LogPeDerived } from './derive.js';
import { logPeBiasFuzz } from './fuzz.js';
import { logPeBiasModel, type LogPeBiasInputs, type LogPeBiasOutputs } from './model.js';
import { logPeBiasResources } from './resources.js';

/** The stream top `<name>_logpe_bias`. */
export function logPeBiasModule(l: LogPeDerived): string {
  return `${l.name}_logpe_bias`;
}
/** The registered core `<name>_logpe_lanes` (Lanes biases per clock) the XNOR engine instantiates. */
export function logPeLanesModule(l: LogPeDerived): string {
  return `${l.name}_logpe_lanes`;
}

/** What memory the implementation needs at `lanes` biases per clock, in words (manifest, RTL header). */
export function logPeMemory(l: LogPeDerived, lanes: number): string {
  const rom = deriveLogPeLanes(l, lanes).rom;
  if (!rom) return 'none (subtract, priority encoder; no memory)';
  const where = ice40.romInBram(rom.depth, rom.width)
    ? `Yosys synth_ice40 infers block RAM: ${ice40.bramTiles(rom.depth, rom.width)} SB_RAM40_4K per copy`
    : 'small enough that Yosys synth_ice40 keeps it in LUTs';
  const what = rom.kind === 'distance' ? `distance ROM ${rom.depth}x${rom.width} bits` : `table ROM, ${rom.copies} bank(s) of ${rom.depth}x${rom.width} bits`;
  return `${what}, registered read, ${rom.copies} copy/copies (one read port per lane): ${where}`;
}

export const logPeBias: BlockSpec<LogPeDerived, LogPeBiasInputs, LogPeBiasOutputs> = {
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
  ports: (l) => ({
    top: logPeBiasModule(l),
    inputs: [
      {
        name: 'pair',
        fields: [
          { port: 'qi', width: l.idxWidth, doc: 'query index i (unsigned)' },
          { port: 'kj', width: l.idxWidth, doc: 'key index j (unsigned)' },
        ],
      },
    ],
    outputs: [{ name: 'bias', fields: [{ port: 'bias', width: l.biasWidth, doc: 'Log-PE bias of (i, j) (unsigned)' }] }],
  }),
  // Pairs have no timesteps: every beat is a frame of its own (tlast on every beat).
  frames: () => ({ pair: { beats: 1, what: 'one (i, j) pair' }, bias: { beats: 1, what: 'one bias' } }),
  // One pair per clock plus the output register.
  cycles: (_l, cases) => cases.reduce((n, c) => n + c.pairs.length, 0) + 1,
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
  resources: logPeBiasResources,
  subjects: [
    { seqLen: 12, logPe: { enabled: true, mode: 'paper' } },
    { seqLen: 12, grid: { rows: 3, cols: 4 }, logPe: { enabled: true, mode: 'paper', impl: 'distance-rom' } },
    { seqLen: 6, logPe: { enabled: true, mode: 'table', table: oddTable(6) } },
  ],
  fuzz: logPeBiasFuzz,
};

/** A small Log-PE table that is not a function of distance (so it needs the table ROM). */
export function oddTable(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i * 5 + j * 3 + (i === j ? 4 : 0)) % 7));
}
