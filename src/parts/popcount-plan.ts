/**
 * The data a popcount plan is made of: typed bit operands and cells (src/parts/popcount.ts
 * builds plans for the portable architectures, src/parts/popcount-xc7.ts the 7-series one;
 * both read these types, so they live apart from either).
 */
import type { PopcountArch } from '../base/config.js';

/** How a pair (a[c], b[c]) counts: both set (Spikformer AND) or equal (XNOR). */
export type MatchOp = 'and' | 'xnor';

/** One bit a node reads. */
export type Bit =
  | { kind: 'zero' }
  | { kind: 'one' }
  /** in_i[index] (plain popcount). */
  | { kind: 'in'; index: number }
  /** a_i[index] op b_i[index] (match popcount). */
  | MatchBit
  /** a_i[index] or b_i[index] itself (a LUT that forms the match inside, xc7-chain). */
  | { kind: 'operand'; side: 'a' | 'b'; index: number }
  /** Bit `bit` of node `node`'s output. */
  | { kind: 'node'; node: number; bit: number }
  /** Pipeline register `index` of stage `stage` (≥ 1): PopcountPlan.stages[stage - 1][index], one clock later. */
  | { kind: 'reg'; stage: number; index: number };
export type MatchBit = { kind: 'match'; index: number; op: MatchOp };

export const ZERO: Bit = { kind: 'zero' };
export const ONE: Bit = { kind: 'one' };

/**
 * One cell of the tree. `outWidth` bits come out; `delay` is the logic levels the cell adds
 * on a path (what the pipeline counts; 0 for a LUT that feeds its carry chain directly).
 */
export type PlanNode =
  /** s = a + b + c, a and b W bits (W = a.length), outWidth W + 1 (or W when the sum fits). */
  | { cell: 'add'; a: Bit[]; b: Bit[]; c: Bit; outWidth: number; delay: number }
  /** s = popcount(ones) + 2·popcount(twos), ones.length + twos.length ≤ 6 (one LUT6 per output bit). */
  | { cell: 'count'; ones: Bit[]; twos: Bit[]; outWidth: number; delay: number }
  /**
   * s = matches of ≤ 3 (a, b) pairs, the match folded into the leaf. The leaf applies AND to
   * its first AndBits pairs and XNOR to the rest, so 'and' pairs must come first.
   */
  | { cell: 'pairs'; pairs: MatchBit[]; outWidth: number; delay: number }
  /** AMD 7-series LUTk (k = inputs.length ≤ 6): O = INIT[inputs as an index, I0 = LSB]. */
  | { cell: 'lut'; inputs: Bit[]; init: bigint; outWidth: 1; delay: number }
  /** AMD 7-series LUT6_2: bit 0 = O6 = INIT[I5..I0], bit 1 = O5 = INIT[I4..I0] (the lower half). */
  | { cell: 'lut6_2'; inputs: Bit[]; init: bigint; outWidth: 2; delay: number }
  /**
   * AMD 7-series CARRY4: bits 0 … 3 = O, 4 … 7 = CO; O = S ^ {CO[2:0], CI | CYINIT},
   * CO[k] = S[k] ? carry in : DI[k].
   */
  | { cell: 'carry4'; ci: Bit; cyinit: Bit; di: Bit[]; s: Bit[]; outWidth: 8; delay: number };

/** Cells that are vendor primitives (simulated from Yosys's xilinx/cells_sim.v). */
export const VENDOR_CELLS: ReadonlySet<PlanNode['cell']> = new Set(['lut', 'lut6_2', 'carry4']);

export interface MatchInputs {
  /** Bit c counts when a[c] & b[c] (c < andBits) or when a[c] == b[c] (c ≥ andBits, XNOR). */
  andBits: number;
}

export interface PopcountPlan {
  arch: PopcountArch;
  n: number;
  /** Counting a match of a_i and b_i (module ports a_i, b_i) rather than in_i. */
  match: MatchInputs | null;
  /** bitlen(n): bits of count_o. */
  width: number;
  /** In dependency order: a node reads only nodes before it. */
  nodes: PlanNode[];
  /** count_o, LSB first (width bits; empty for the loop). */
  result: Bit[];
  /** Levels of nodes on the longest input→output path (0 for the loop). */
  depth: number;
  /**
   * Register stages cut into the tree (empty: combinational). stages[s] lists the sources of
   * the registers that stage s + 1 reads (Bit `reg` with stage s + 1); count_o then appears
   * stages.length clocks after its inputs.
   */
  stages: Bit[][];
}

