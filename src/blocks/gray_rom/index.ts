/**
 * Block `gray_rom` (SPEC §1): position index → Gray code.
 *   derive:  ./derive.ts        model: ./model.ts
 *   render:  generators/gray_rom.ts, templates/gray_rom/*.sv.hbs
 *   harness: testbenches/gray_rom.ts          tests: test/gray_rom.test.ts
 */
import { renderGrayRom, grayRomModule } from '../../../generators/gray_rom.js';
import { grayRomHarness } from '../../../testbenches/gray_rom.js';
import { field, intArray } from '../../vectors/fields.js';
import type { BlockDef } from '../types.js';
import { deriveGray, type GrayDerived } from './derive.js';
import { grayRomModel, type GrayRomInputs, type GrayRomOutputs } from './model.js';

export const grayRom: BlockDef<GrayDerived, GrayRomInputs, GrayRomOutputs> = {
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
  topModule: grayRomModule,
  render: renderGrayRom,
  harness: grayRomHarness,
  vectors: {
    inputs: (g, json, where) => ({
      positions: intArray(field(json, 'positions', where), `${where}.positions`, 0, g.positions - 1),
    }),
    outputs: (_g, _inputs, out) => ({ codes: out.codes }),
    inputsToJson: (_g, inputs) => ({ positions: inputs.positions }),
  },
};
