/**
 * Cost features of the pieces several blocks share: the popcount (one per lane of the XNOR
 * engine and the head) and the Log-PE lanes core. Terms are named `<prefix>…` so a block
 * that embeds a piece gets its own fitted coefficients.
 */
import { planPopcount, type MatchInputs } from '../../../generators/popcount.js';
import type { PopcountArch } from '../../blocks/xnor_attention/derive.js';
import type { LogPeDerived } from '../../blocks/logpe_bias/derive.js';
import { bitlen } from '../../core/bits.js';
import { ice40Brams, term, type EstimateTarget, type Term } from '../model.js';

/**
 * The popcount plan's own cost, from the generator's plan (a pure function of n, the
 * architecture and the match): carry tree: one LUT4 per sum bit of each small adder (two
 * for a 1-bit node), two per two-pair leaf (the XNOR / AND folded in), one per match bit
 * that enters the tree on its own; counter tree: one LUT6 per output bit of each counter
 * (the first level folds the match in) plus the final adder; loop: n match bits and n
 * counted bits (Yosys rebuilds it as one multi-operand adder).
 */
export function popcountShape(
  n: number,
  arch: PopcountArch,
  match: MatchInputs | null,
): { treeLuts: number; treeCarries: number; pairLeaves: number; gpcLuts: number; loopBits: number; matchBits: number } {
  const plan = planPopcount(n, arch, match);
  const shape = { treeLuts: 0, treeCarries: 0, pairLeaves: 0, gpcLuts: 0, loopBits: 0, matchBits: 0 };
  if (arch === 'carry-tree') {
    const adds = plan.nodes.filter((x) => x.cell === 'add');
    const pairs = plan.nodes.filter((x) => x.cell === 'pairs');
    shape.treeLuts = adds.reduce((s, x) => s + (x.size === 1 ? 2 : x.size), 0);
    shape.treeCarries = adds.reduce((s, x) => s + x.size, 0);
    shape.pairLeaves = pairs.length;
    shape.matchBits = match ? n - pairs.reduce((s, x) => s + x.size, 0) : 0;
  } else if (arch === 'gpc63') {
    shape.gpcLuts = plan.nodes.reduce((s, x) => s + (x.cell === 'add' ? x.size : x.outWidth), 0);
  } else {
    shape.loopBits = n;
    shape.matchBits = match ? n : 0;
  }
  return shape;
}

/** `copies` popcounts of the match of two n-bit rows: LUT and carry terms. */
export function popcountTerms(
  prefix: string,
  copies: number,
  n: number,
  arch: PopcountArch,
  match: MatchInputs | null,
  target: EstimateTarget,
): { luts: Term[]; carries: Term[] } {
  const s = popcountShape(n, arch, match);
  return {
    luts: [
      term(`${prefix}match_bits`, copies * s.matchBits, 1, 'XNOR / AND of a q and a k bit outside the counter leaves, per lane'),
      term(`${prefix}pc_tree_luts`, copies * s.treeLuts, target === 'ice40' ? 1 : 0.9, 'carry-tree popcounts: LUTs of their small adders (from the popcount plan)'),
      term(`${prefix}pc_pair_leaves`, copies * s.pairLeaves, 2, 'carry-tree popcounts: two-pair leaves (match + count in two LUTs)'),
      term(`${prefix}pc_gpc_luts`, copies * s.gpcLuts, target === 'ice40' ? 1.6 : 1, 'counter-tree popcounts: counter output bits + final adder (from the plan)'),
      term(`${prefix}pc_loop_bits`, copies * s.loopBits, target === 'ice40' ? 2.03 : 1.55, 'loop popcounts: input bits (docs/sv-style.md: 2.03 LUT4, 1.55 LUT6 per bit)'),
    ],
    carries: [
      term(`${prefix}pc_tree_carries`, target === 'ice40' ? copies * s.treeCarries : 0, 1, 'carry-tree popcounts: carry cells of their small adders'),
      term(`${prefix}pc_other_carries`, target === 'ice40' ? copies * (s.gpcLuts || s.loopBits ? bitlen(n) : 0) : 0, 1, 'loop / counter-tree popcounts: the final adder on the carry chain'),
    ],
  };
}

/** Log-PE lanes core (`<name>_logpe_lanes`) at `lanes` biases per clock. */
export function logPeLaneTerms(prefix: string, l: LogPeDerived, lanes: number, target: EstimateTarget): { luts: Term[]; ffs: Term[]; carries: Term[]; brams: Term[] } {
  const n = l.geometry.seqLen;
  const w = l.biasWidth;
  const logic = l.impl === 'logic';
  const beats = Math.ceil(n / lanes);
  // ROM contents: one distance ROM read per lane, or one table bank per lane.
  const depth = l.impl === 'distance-rom' ? (l.grid ? 2 ** (l.grid.rowWidth + l.grid.colWidth) : 2 ** l.idxWidth) : l.impl === 'table-rom' ? n * beats : 0;
  const bits = depth * w;
  const inBram = target === 'ice40' && bits >= 1024;
  const romLuts = !logic && !inBram ? lanes * w * Math.max(1, depth / (target === 'ice40' ? 16 : 64)) : 0;
  return {
    luts: [
      term(`${prefix}logpe_logic_idx`, logic ? lanes * l.idxWidth * (l.grid ? 2 : 1) : 0, 4, 'Log-PE logic: |i − j|, N − 1 − d and the priority encoder, per lane and index bit'),
      term(`${prefix}logpe_rom_luts`, romLuts, 1, 'Log-PE ROM kept in LUTs: bias bits × entries / 2^(LUT inputs), per lane'),
      term(`${prefix}logpe_addr`, !logic ? lanes * l.idxWidth : 0, 1, 'Log-PE ROM address arithmetic per lane'),
    ],
    ffs: [term(`${prefix}logpe_regs`, lanes * w, 1, 'registered bias per lane')],
    carries: [term(`${prefix}logpe_carries`, target === 'ice40' ? lanes * l.idxWidth * (logic ? 2 : 1) : 0, 1, 'Log-PE subtractors on the carry chain')],
    brams: [term(`${prefix}logpe_brams`, inBram ? lanes * ice40Brams(depth, w) : 0, 1, 'Log-PE ROM in SB_RAM40_4K, per lane')],
  };
}
