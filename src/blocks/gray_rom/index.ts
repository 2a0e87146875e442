/**
 * Block `gray_rom` (SPEC §1): position index → Gray code, 1-D or 2-D. The smallest complete
 * block: copy its shape for a new one (docs/adding-a-block.md).
 *
 *   spec (this folder):  derive.ts (config rules, widths), model.ts (golden model),
 *                        resources.ts (estimator terms), fuzz.ts (random valid configs)
 *   generator:           generators/gray_rom.ts, templates/gray_rom/*.sv.hbs
 *   harness:             testbenches/gray_rom.ts
 *   tests, docs:         test/gray_rom.test.ts, docs/gray_rom.md
 */
import { field, intArray } from '../../io/vector-fields.js';
import type { BlockSpec } from '../types.js';
import { deriveGray, type GrayDerived } from './derive.js';
import { grayRomFuzz } from './fuzz.js';
import { grayRomModel, type GrayRomInputs, type GrayRomOutputs } from './model.js';
import { grayRomResources } from './resources.js';

/** The stream top `<name>_gray_rom` (one register stage). */
export function grayRomModule(g: GrayDerived): string {
  return `${g.name}_gray_rom`;
}
/** The combinational core `<name>_gray_code` that the XNOR engine instantiates too. */
export function grayCodeModule(g: GrayDerived): string {
  return `${g.name}_gray_code`;
}

/** Positions per case summed: one code per clock, plus the register stage. */
function cycles(_g: GrayDerived, cases: GrayRomInputs[]): number {
  return cases.reduce((n, c) => n + c.positions.length, 0) + 1;
}

export const grayRom: BlockSpec<GrayDerived, GrayRomInputs, GrayRomOutputs> = {
  name: 'gray_rom',
  summary: 'Gray-PE position ROM: p -> gray(p), 1-D or 2-D (SPEC §1)',
  derive: deriveGray,
  describe: (g) => ({
    positions: g.positions,
    posWidth: g.posWidth,
    bits: g.bits,
    position: g.position,
    grid: g.grid ? `${g.grid.rows}x${g.grid.cols} (Gr ${g.grid.rowBits}, Gc ${g.grid.colBits})` : 'none',
    impl: g.impl,
    latencyCycles: 1,
  }),
  model: grayRomModel,
  ports: (g) => ({
    top: grayRomModule(g),
    inputs: [{ name: 'pos', fields: [{ port: 'pos', width: g.posWidth, doc: 'position p (unsigned)' }] }],
    outputs: [{ name: 'code', fields: [{ port: 'code', width: g.bits, doc: 'Gray-PE code of p' }] }],
  }),
  // Lookups have no timesteps: every beat is a frame of its own (tlast on every beat).
  frames: () => ({ pos: { beats: 1, what: 'one lookup' }, code: { beats: 1, what: 'one code' } }),
  cycles,
  vectors: {
    inputs: (g, json, where) => ({
      positions: intArray(field(json, 'positions', where), `${where}.positions`, 0, g.positions - 1),
    }),
    outputs: (_g, _inputs, out) => ({ codes: out.codes }),
    inputsToJson: (_g, inputs) => ({ positions: inputs.positions }),
  },
  resources: grayRomResources,
  subjects: [
    { seqLen: 12 },
    { seqLen: 20, grid: { rows: 4, cols: 5 } },
    { seqLen: 10, timesteps: 2, grayPe: { position: 'timestep-token', impl: 'rom' } },
  ],
  fuzz: grayRomFuzz,
};
