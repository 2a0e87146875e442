/**
 * The structure of an n-bit population count (the `<prefix>_popcount` part, rendered by
 * generators/parts/popcount.ts), in one of these architectures:
 *
 *   loop        the plain for-loop; Yosys maps it as one multi-operand adder (the baseline)
 *   carry-tree  a tree of small adders, each `left + right + one input bit as carry-in` in
 *               its own keep_hierarchy module so that it lands on the iCE40 carry chain
 *   gpc63       column compression with ≤6-input counters (one LUT6 per output bit) down
 *               to two rows, then one adder
 *   xc7-chain   AMD 7-series pair-chain compressors of LUT6_2 + CARRY4 primitives
 *               (src/parts/popcount-xc7.ts), about 0.52 LUT per bit
 *
 * A plan is pure data: nodes (cells) whose operands are typed references to single bits —
 * an input bit, the match (AND / XNOR) of an a/b bit pair, a bit of another node's output,
 * a pipeline register, or a constant. No SystemVerilog text lives here; the renderer turns
 * the plan into SV, and the tests evaluate the plan itself against an independent popcount
 * (docs/sv-style.md, popcount; docs/adding-a-block.md).
 */
import { bitlen } from '../base/bits.js';
import { POPCOUNT_ARCHS, type PopcountArch } from '../base/config.js';
import { carryBits, carryPerBit, term, type EstimateTarget, type Term } from '../targets/cost.js';
import { xc7ChainPlan } from './popcount-xc7.js';

export { POPCOUNT_ARCHS, type PopcountArch };

export { ONE, VENDOR_CELLS, ZERO, type Bit, type MatchBit, type MatchInputs, type MatchOp, type PlanNode, type PopcountPlan } from './popcount-plan.js';
import { ZERO, type Bit, type MatchBit, type MatchInputs, type PlanNode, type PopcountPlan } from './popcount-plan.js';

/** The bit c of the value being counted: in_i[c], or the match of a_i[c] and b_i[c]. */
export function inputBit(match: MatchInputs | null, c: number): Bit {
  return match ? matchBit(match, c) : { kind: 'in', index: c };
}
function matchBit(match: MatchInputs, c: number): MatchBit {
  return { kind: 'match', index: c, op: c < match.andBits ? 'and' : 'xnor' };
}
export function nodeBits(node: number, width: number): Bit[] {
  return Array.from({ length: width }, (_, bit) => ({ kind: 'node', node, bit }));
}
/** `bits` zero-extended to `width` (LSB first). */
function extend(bits: Bit[] | null, width: number): Bit[] {
  const v = bits ?? [];
  return [...v, ...Array.from({ length: width - v.length }, () => ZERO)];
}

/** Every bit a node reads, in port order. */
export function nodeInputs(node: PlanNode): Bit[] {
  if (node.cell === 'add') return [...node.a, ...node.b, node.c];
  if (node.cell === 'count') return [...node.ones, ...node.twos];
  if (node.cell === 'pairs') return node.pairs;
  if (node.cell === 'carry4') return [node.ci, node.cyinit, ...node.di, ...node.s];
  return node.inputs;
}

/**
 * iCE40 cost of one tree node with W-bit operands, as Yosys 0.23 maps it: W SB_LUT4 (one
 * per sum bit, the carries on SB_CARRY) for W ≥ 2; a 1-bit node is a full adder in two
 * LUTs (its carry-out cannot leave the chain without a LUT).
 */
function nodeLuts(w: number): number {
  return w === 1 ? 2 : w;
}

/**
 * The carry tree's shape: for every m ≤ n, how many of the m − 1 non-carry-in bits the
 * left subtree counts, chosen to minimise the summed node cost (dynamic programming; the
 * most balanced split wins ties, keeping the tree shallow). Powers of two come out
 * balanced; other sizes gain from uneven splits (74 bits: 90 LUT4 instead of 110).
 *
 * Counting a match (`fused`): every match bit that enters a node costs one LUT4 of its
 * own (XNOR / AND of a pair), except in a two-pair leaf, whose sum and carry are each a
 * function of four inputs — one LUT4 apiece with the XNORs inside (split 0 marks it).
 */
function carryTreeSplits(n: number, fused: boolean): Int32Array {
  const cost = new Float64Array(n + 1);
  const split = new Int32Array(n + 1);
  const bitCost = fused ? 1 : 0;
  cost[1] = bitCost;
  for (let m = 2; m <= n; m++) {
    cost[m] = Infinity;
    if (fused && m === 2) {
      cost[m] = 2;
      split[m] = 0;
      continue;
    }
    for (let l = Math.ceil((m - 1) / 2); l <= m - 1; l++) {
      const r = m - 1 - l;
      const w = Math.max(1, bitlen(l), bitlen(r));
      // The node's W + 1 output bits must be exactly bitlen(m): a lopsided split (e.g.
      // 2 + 0 + 1) would leave a carry-out that is always 0, i.e. an unused bit.
      if (w + 1 !== bitlen(m)) continue;
      const c = cost[l]! + cost[r]! + nodeLuts(w) + bitCost;
      if (c < cost[m]!) {
        cost[m] = c;
        split[m] = l;
      }
    }
  }
  return split;
}

/**
 * Carry tree: count(m bits) = count(left) + count(right) + one more input bit as the
 * carry-in. Every node's sum fits its W + 1 output bits exactly (left, right < 2^W), so
 * no output bit is ever unused. Counting a match, a bit is its XNOR / AND (one LUT4), and
 * two-pair leaves count two matches in two LUT4s.
 */
function carryTree(n: number, match: MatchInputs | null): PopcountPlan {
  const nodes: PlanNode[] = [];
  const split = carryTreeSplits(n, match !== null);
  const build = (first: number, count: number): { v: Bit[] | null; depth: number } => {
    if (count === 0) return { v: null, depth: 0 };
    if (count === 1) return { v: [inputBit(match, first)], depth: 0 };
    if (match && count === 2) {
      nodes.push({ cell: 'pairs', pairs: [matchBit(match, first), matchBit(match, first + 1)], outWidth: 2, delay: 1 });
      return { v: nodeBits(nodes.length - 1, 2), depth: 1 };
    }
    const l = split[count]!;
    const left = build(first, l);
    const right = build(first + l, count - 1 - l);
    const w = Math.max(left.v?.length ?? 1, right.v?.length ?? 1);
    nodes.push({ cell: 'add', a: extend(left.v, w), b: extend(right.v, w), c: inputBit(match, first + count - 1), outWidth: w + 1, delay: 1 });
    return { v: nodeBits(nodes.length - 1, w + 1), depth: 1 + Math.max(left.depth, right.depth) };
  };
  const root = build(0, n);
  return { arch: 'carry-tree', n, match, width: bitlen(n), nodes, result: root.v!, depth: root.depth, stages: [] };
}

/**
 * Counter tree (column compression with generalised parallel counters, GPCs): the bits
 * sit in columns by weight; each stage covers the columns, LSB first, with counters of at
 * most six inputs — every output bit of such a counter is one LUT6 — preferring the ones
 * that remove one bit per LUT: (6;3) six bits of one weight, (1,5;3) five bits of weight
 * w and one of w + 1. Stages repeat until no column holds more than two bits (three at
 * weight 0: the adder's carry-in); then one two-row adder.
 */
function counterTree(n: number, match: MatchInputs | null): PopcountPlan {
  const width = bitlen(n);
  const nodes: PlanNode[] = [];
  let cols: Bit[][] = [Array.from({ length: n }, (_, i) => inputBit(null, i))];
  let depth = 0;
  if (match) {
    // First level fused with the similarity: each leaf sees three (a, b) pairs — six
    // inputs — and outputs their match count (two bits, one LUT6 each). A separate XNOR
    // level would cost one LUT per bit before any counting starts.
    cols = [[], []];
    for (let s = 0; s < n; s += 3) {
      const k = Math.min(3, n - s);
      const outWidth = bitlen(k);
      nodes.push({ cell: 'pairs', pairs: Array.from({ length: k }, (_, p) => matchBit(match, s + p)), outWidth, delay: 1 });
      nodeBits(nodes.length - 1, outWidth).forEach((b, w) => cols[w]!.push(b));
    }
    depth = 1;
  }
  const limit = (w: number) => (w === 0 ? 3 : 2);
  const tooTall = (c: Bit[][]) => c.some((col, w) => col.length > limit(w));
  while (tooTall(cols)) {
    depth++;
    const rest = cols.map((c) => [...c]);
    const next: Bit[][] = [];
    const put = (w: number, b: Bit) => {
      while (next.length <= w) next.push([]);
      next[w]!.push(b);
    };
    /** A counter over k0 bits of weight w and k1 bits of weight w + 1. */
    const counter = (w: number, k0: number, k1: number) => {
      const ones = rest[w]!.splice(0, k0);
      const twos = k1 ? rest[w + 1]!.splice(0, k1) : [];
      const outWidth = bitlen(k0 + 2 * k1);
      nodes.push({ cell: 'count', ones, twos, outWidth, delay: 1 });
      nodeBits(nodes.length - 1, outWidth).forEach((b, i) => put(w + i, b));
    };
    // Efficient counters first (one bit removed per LUT); while any applies, leftover bits
    // simply wait for a later stage, where they join a full counter for free.
    const efficient = cols.some((c, w) => c.length >= 6 || (c.length === 5 && (cols[w + 1]?.length ?? 0) >= 1));
    for (let w = 0; w < rest.length; w++) {
      const here = () => rest[w]!.length;
      const above = () => rest[w + 1]?.length ?? 0;
      while (here() >= 6) counter(w, 6, 0);
      if (here() === 5 && above() >= 1) counter(w, 5, 1);
      // Endgame: what is left stays unless this column would still be too tall.
      const projected = () => (next[w]?.length ?? 0) + here();
      if (!efficient && projected() > limit(w) && here() >= 3) {
        if (here() === 3 && above() >= 2) counter(w, 3, 2);
        else if (here() === 4 && above() >= 1) counter(w, 4, 1);
        else counter(w, here(), 0);
      }
      rest[w]!.splice(0).forEach((b) => put(w, b));
    }
    cols = next;
  }
  // Two rows (plus a carry-in at weight 0) into one adder over every column.
  const w = cols.length;
  const row = (r: number) => cols.map((col) => col[r] ?? ZERO);
  const carry = cols[0]![2] ?? ZERO;
  let result: Bit[];
  if (n === 1) {
    result = [cols[0]![0]!];
  } else if (cols.every((col) => col.length <= 1) && carry.kind === 'zero') {
    result = extend(row(0), width);
  } else {
    // The sum is below 2^width: keep the carry-out only when width > w.
    const outWidth = Math.min(w + 1, width);
    nodes.push({ cell: 'add', a: row(0), b: row(1), c: carry, outWidth, delay: 1 });
    depth++;
    result = extend(nodeBits(nodes.length - 1, outWidth), width);
  }
  return { arch: 'gpc63', n, match, width, nodes, result, depth, stages: [] };
}

/**
 * The structure of an n-bit popcount. With `match`, the module counts the match of two
 * operands (ports a_i, b_i): the loop and the carry tree count match bits formed on the
 * way in; the counter tree folds the match into its first level.
 */
export function planPopcount(n: number, arch: PopcountArch, match: MatchInputs | null = null): PopcountPlan {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`popcount of ${n} bits`);
  if (match && (!Number.isInteger(match.andBits) || match.andBits < 0 || match.andBits > n)) {
    throw new RangeError(`andBits ${match.andBits} for a ${n}-bit match`);
  }
  // Plans are pure functions of their arguments, and the xc7 schedule search takes up to a
  // second at 512 bits: derive(), the generator and the estimator share one copy (treat it
  // as read-only; pipelinePlan builds a new plan).
  const key = `${arch}/${n}/${match ? match.andBits : '-'}`;
  let plan = PLANS.get(key);
  if (!plan) {
    if (arch === 'carry-tree') plan = carryTree(n, match);
    else if (arch === 'gpc63') plan = counterTree(n, match);
    else if (arch === 'xc7-chain') plan = xc7ChainPlan(n, match);
    else plan = { arch, n, match, width: bitlen(n), nodes: [], result: [], depth: 0, stages: [] };
    PLANS.set(key, plan);
  }
  return plan;
}
const PLANS = new Map<string, PopcountPlan>();

// ---------------------------------------------------------------------------------------
// Cost terms (the estimator's view of the plan).

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
): { treeLuts: number; treeCarries: number; pairLeaves: number; gpcLuts: number; loopBits: number; matchBits: number; primLuts: number; primCarries: number } {
  const plan = planPopcount(n, arch, match);
  const shape = { treeLuts: 0, treeCarries: 0, pairLeaves: 0, gpcLuts: 0, loopBits: 0, matchBits: 0, primLuts: 0, primCarries: 0 };
  if (arch === 'carry-tree') {
    for (const x of plan.nodes) {
      if (x.cell === 'add') {
        shape.treeLuts += x.a.length === 1 ? 2 : x.a.length;
        shape.treeCarries += x.a.length;
      } else if (x.cell === 'pairs') {
        shape.pairLeaves++;
        shape.matchBits -= x.pairs.length;
      }
    }
    shape.matchBits = match ? n + shape.matchBits : 0;
  } else if (arch === 'gpc63') {
    shape.gpcLuts = plan.nodes.reduce((s, x) => s + (x.cell === 'add' ? x.a.length : x.outWidth), 0);
  } else if (arch === 'xc7-chain') {
    // Instantiated primitives: the plan's count is what Yosys reports.
    shape.primLuts = plan.nodes.filter((x) => x.cell === 'lut' || x.cell === 'lut6_2').length;
    shape.primCarries = plan.nodes.filter((x) => x.cell === 'carry4').length;
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
      term(`${prefix}pc_xc7_luts`, copies * s.primLuts, 1, 'xc7-chain popcounts: instantiated LUT6_2 / LUTk primitives (exact, from the plan)'),
    ],
    carries: [
      term(`${prefix}pc_tree_carries`, carryBits(target, copies * s.treeCarries), carryPerBit(target), 'carry-tree popcounts: carry cells of their small adders'),
      term(`${prefix}pc_other_carries`, carryBits(target, copies * (s.gpcLuts || s.loopBits ? bitlen(n) : 0)), carryPerBit(target), 'loop / counter-tree popcounts: the final adder on the carry chain'),
      term(`${prefix}pc_xc7_carries`, copies * s.primCarries, 1, 'xc7-chain popcounts: instantiated CARRY4 primitives (exact, from the plan)'),
    ],
  };
}
