/**
 * What spikeforge knows about a synthesis target, in one module per target
 * (src/targets/<target>.ts). Generators, the estimator, `synth` and sweeps all read these
 * facts from here, so a threshold or a memory shape is written once.
 */

import type { TargetName } from '../base/config.js';

export { TARGET_NAMES, type TargetName } from '../base/config.js';

/** A block-RAM organisation: `depth` words of `width` bits. */
export interface RamShape {
  depth: number;
  width: number;
}

/** Resource counts of a synthesised design, in the target's own cells. */
export interface CellSummary {
  luts: number;
  carries: number;
  ffs: number;
  brams: number;
  /** Target-specific breakdown for the report (xc7: LUT1 … LUT6, LUT as memory, RAMB18E1, RAMB36E1, DSP48E1, …). */
  details?: Record<string, number>;
  /** Single-port RAM macros (iCE40 UP5K SB_SPRAM256KA); absent where the target has none. */
  sprams?: number;
}

export interface Target {
  name: TargetName;
  /** One line for --help: the Yosys flow and the cells it counts. */
  summary: string;
  /** Inputs of one LUT. */
  lutInputs: number;
  /** What the LUT cell is called in reports ("SB_LUT4", "LUT6"). */
  lutName: string;
  /** Block-RAM organisations (empty: memories become flip-flops and LUTs). */
  bramShapes: readonly RamShape[];
  /** Whether Yosys maps a registered-read ROM of depth × width bits to block RAM. */
  romInBram(depth: number, width: number): boolean;
  /** Whether Yosys maps a RAM (one write port, one registered read port) to block RAM. */
  ramInBram(depth: number, width: number): boolean;
  /** Block RAMs a depth × width memory needs (the cheapest tiling with one shape). */
  bramTiles(depth: number, width: number): number;
  /**
   * LUTs a RAM (one write port, one registered read port) takes as distributed (LUT) RAM
   * when it does not go to block RAM; 0 when the target has none and builds it from
   * flip-flops and multiplexers instead.
   */
  lutramLuts(depth: number, width: number): number;
  /**
   * The Yosys commands after `read_verilog`: synthesis and mapping to the target's cells
   * (src/tools/yosys.ts measures the result). `flags` are extra options of the synthesis
   * command for one device (e.g. `-device u -spram` for the iCE40 UP5K); targets without
   * devices ignore them.
   */
  yosysScript(top: string, flags?: string): string;
  /** Whether reports give the logic depth in LUTs (`ltp -noff` on the mapped netlist). */
  measureDepth: boolean;
  /** Counts the target's cells in Yosys's `stat` (cell type → count). */
  summarize(cells: Record<string, number>): CellSummary;
}

/** Cheapest tiling of a depth × width memory by one of `shapes`. */
export function tiles(shapes: readonly RamShape[], depth: number, width: number): number {
  if (depth <= 0 || width <= 0 || shapes.length === 0) return 0;
  return Math.min(...shapes.map((s) => Math.ceil(depth / s.depth) * Math.ceil(width / s.width)));
}

/** Sum of the counts of the cell types that match `re`. */
export function countCells(cells: Record<string, number>, re: RegExp): number {
  return Object.entries(cells).reduce((n, [k, v]) => (re.test(k) ? n + v : n), 0);
}
