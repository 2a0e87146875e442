/**
 * Generic 6-input LUTs (Yosys `synth -flatten; abc -lut 6`): technology-independent
 * synthesis, for comparing architectures on LUT6 parts. No block RAM: memories become
 * flip-flops and LUTs. The depth is the longest register-to-register (or port) path in
 * LUTs (`ltp -noff` on the mapped netlist, flattened: kept sub-modules included).
 */
import { countCells, type Target } from './types.js';

export const generic: Target = {
  name: 'generic',
  summary: 'generic LUT6 (synth -flatten; abc -lut 6): LUT6 count and depth',
  lutInputs: 6,
  lutName: 'LUT6',
  bramShapes: [],
  romInBram: () => false,
  ramInBram: () => false,
  bramTiles: () => 0,
  lutramLuts: () => 0,
  // `abc -lut 6` maps to $lut cells; src/tools/yosys.ts then flattens the mapped netlist
  // and `ltp -noff` counts the LUTs on the longest path.
  yosysScript: (top) => `synth -top ${top} -flatten; abc -lut 6; opt_clean`,
  measureDepth: true,
  summarize: (cells) => ({
    luts: countCells(cells, /^\$lut$/),
    carries: 0,
    ffs: countCells(cells, /^\$_(S)?DFF|^\$_DFFE|^\$_SDFF|^\$_ALDFF|^\$_DLATCH/),
    brams: 0,
  }),
};
