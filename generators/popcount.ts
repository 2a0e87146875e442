/**
 * Popcount generator: an n-bit combinational population count `<prefix>_popcount`
 * (in_i[n-1:0] → count_o[bitlen(n)-1:0]) in one of three architectures:
 *
 *   loop        the plain for-loop; Yosys maps it as one multi-operand adder (the baseline)
 *   carry-tree  a tree of small adders, each `left + right + one input bit as carry-in` in
 *               its own keep_hierarchy module so that it lands on the iCE40 carry chain
 *   gpc63       column compression with ≤6-input counters (one LUT6 per output bit) down
 *               to two rows, then one adder
 *
 * The tree is computed here as data (nodes with their operand expressions); the
 * templates only print it (docs/sv-style.md, popcount; docs/adding-a-block.md).
 */
import type { PopcountArch } from '../src/blocks/xnor_attention/derive.js';
import type { GeneratedFile, RenderMeta } from '../src/blocks/types.js';
import { bitlen } from '../src/core/bits.js';
import { renderTemplate } from '../src/render/templates.js';
import { header } from './header.js';

/** A value feeding a node: `width` bits given by a SystemVerilog expression. */
interface Value {
  expr: string;
  width: number;
}

/** One instance of the tree: a small adder or a counter. */
export interface TreeNode {
  cell: 'add' | 'count' | 'pairs';
  wire: string;
  /** add: operand width W; count: inputs K. */
  size: number;
  outWidth: number;
  /** count: inputs of weight w + 1 (K1; 0 for a plain counter). pairs: how many of the K pairs use AND. */
  size1?: number;
  /**
   * Input expressions: add → [a (W bits), b (W bits), c (1 bit)]; count → [K bits of
   * weight 1, then K1 of weight 2, as one vector]; pairs → [a (K bits), b (K bits)].
   */
  inputs: string[];
}

/**
 * A popcount of a bitwise match of two operands instead of a ready vector: bit c counts
 * when a[c] & b[c] (c < andBits) or when a[c] == b[c] (c ≥ andBits, XNOR). The engine's
 * similarity lives here so that a LUT6 counter can absorb it (three pairs per LUT6 pair).
 */
export interface MatchInputs {
  andBits: number;
}

export interface PopcountPlan {
  arch: PopcountArch;
  n: number;
  /** Counting a match of a_i and b_i (module ports a_i, b_i) rather than in_i. */
  match: MatchInputs | null;
  /** bitlen(n). */
  width: number;
  nodes: TreeNode[];
  /** Expression of count_o (width bits). */
  result: string;
  /** Levels of nodes on the longest input→output path (0 for the loop). */
  depth: number;
}

export function popcountModule(prefix: string): string {
  return `${prefix}_popcount`;
}
function addModule(prefix: string): string {
  return `${prefix}_pc_add`;
}
function countModule(prefix: string): string {
  return `${prefix}_pc_count`;
}


/** `v` zero-extended to `width` bits (a concatenation when it is narrower). */
function extend(v: Value | null, width: number): string {
  if (!v) return `${width}'b0`;
  return v.width === width ? v.expr : `{${width - v.width}'b0, ${v.expr}}`;
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
 * no output bit is ever unused. Counting a match, a bit is its XNOR / AND expression
 * (one LUT4), and two-pair leaves count two matches in two LUT4s.
 */
function carryTree(n: number, match: MatchInputs | null): PopcountPlan {
  const expr = (i: number): string => {
    if (!match) return `in_i[${i}]`;
    return i < match.andBits ? `(a_i[${i}] & b_i[${i}])` : `~(a_i[${i}] ^ b_i[${i}])`;
  };
  const nodes: TreeNode[] = [];
  const split = carryTreeSplits(n, match !== null);
  const build = (first: number, count: number): { v: Value | null; depth: number } => {
    if (count === 0) return { v: null, depth: 0 };
    if (count === 1) return { v: { expr: expr(first), width: 1 }, depth: 0 };
    if (match && count === 2) {
      const wire = `n${nodes.length}`;
      nodes.push({
        cell: 'pairs',
        wire,
        size: 2,
        size1: Math.max(0, Math.min(2, match.andBits - first)),
        outWidth: 2,
        inputs: [`a_i[${first + 1}:${first}]`, `b_i[${first + 1}:${first}]`],
      });
      return { v: { expr: wire, width: 2 }, depth: 1 };
    }
    const l = split[count]!;
    const left = build(first, l);
    const right = build(first + l, count - 1 - l);
    const w = Math.max(left.v?.width ?? 1, right.v?.width ?? 1);
    const wire = `n${nodes.length}`;
    nodes.push({
      cell: 'add',
      wire,
      size: w,
      outWidth: w + 1,
      inputs: [extend(left.v, w), extend(right.v, w), expr(first + count - 1)],
    });
    return { v: { expr: wire, width: w + 1 }, depth: 1 + Math.max(left.depth, right.depth) };
  };
  const root = build(0, n);
  return { arch: 'carry-tree', n, match, width: bitlen(n), nodes, result: root.v!.expr, depth: root.depth };
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
  const nodes: TreeNode[] = [];
  let cols: string[][] = [Array.from({ length: n }, (_, i) => `in_i[${i}]`)];
  let depth = 0;
  if (match) {
    // First level fused with the similarity: each leaf sees three (a, b) pairs — six
    // inputs — and outputs their match count (two bits, one LUT6 each). A separate XNOR
    // level would cost one LUT per bit before any counting starts.
    cols = [[], []];
    for (let s = 0; s < n; s += 3) {
      const k = Math.min(3, n - s);
      const outWidth = bitlen(k);
      const wire = `n${nodes.length}`;
      const slice = (v: string) => (k === 1 ? `${v}[${s}]` : `${v}[${s + k - 1}:${s}]`);
      nodes.push({
        cell: 'pairs',
        wire,
        size: k,
        size1: Math.max(0, Math.min(k, match.andBits - s)),
        outWidth,
        inputs: [slice('a_i'), slice('b_i')],
      });
      for (let b = 0; b < outWidth; b++) cols[b]!.push(outWidth === 1 ? wire : `${wire}[${b}]`);
    }
    depth = 1;
  }
  const limit = (w: number) => (w === 0 ? 3 : 2);
  const tooTall = (c: string[][]) => c.some((col, w) => col.length > limit(w));
  while (tooTall(cols)) {
    depth++;
    const rest = cols.map((c) => [...c]);
    const next: string[][] = [];
    const put = (w: number, e: string) => {
      while (next.length <= w) next.push([]);
      next[w]!.push(e);
    };
    /** A counter over k0 bits of weight w and k1 bits of weight w + 1. */
    const counter = (w: number, k0: number, k1: number) => {
      const low = rest[w]!.splice(0, k0);
      const high = k1 ? rest[w + 1]!.splice(0, k1) : [];
      const outWidth = bitlen(k0 + 2 * k1);
      const wire = `n${nodes.length}`;
      // One input vector: the K0 bits of weight 1 at the bottom, the K1 bits of weight 2 above.
      nodes.push({ cell: 'count', wire, size: k0, size1: k1, outWidth, inputs: [concat([...low, ...high].reverse())] });
      for (let b = 0; b < outWidth; b++) put(w + b, outWidth === 1 ? wire : `${wire}[${b}]`);
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
      rest[w]!.splice(0).forEach((e) => put(w, e));
    }
    cols = next;
  }
  // Two rows (plus a carry-in at weight 0) into one adder over every column.
  const w = cols.length;
  const row = (r: number) => cols.map((col) => col[r] ?? "1'b0").reverse();
  const carry = cols[0]![2] ?? "1'b0";
  let result: string;
  if (n === 1) {
    result = cols[0]![0]!;
  } else if (cols.every((col) => col.length <= 1) && carry === "1'b0") {
    result = extendList(row(0), width);
  } else {
    // The sum is below 2^width: keep the carry-out only when width > w.
    const outWidth = Math.min(w + 1, width);
    const wire = `n${nodes.length}`;
    nodes.push({
      cell: 'add',
      wire,
      size: w,
      outWidth,
      inputs: [concat(row(0)), concat(row(1)), carry],
    });
    depth++;
    result = outWidth === width ? wire : `{${width - outWidth}'b0, ${wire}}`;
  }
  return { arch: 'gpc63', n, match, width, nodes, result, depth };
}

function concat(bitsMsbFirst: string[]): string {
  return bitsMsbFirst.length === 1 ? bitsMsbFirst[0]! : `{${bitsMsbFirst.join(', ')}}`;
}
function extendList(bitsMsbFirst: string[], width: number): string {
  const pad = width - bitsMsbFirst.length;
  return pad > 0 ? `{${pad}'b0, ${bitsMsbFirst.join(', ')}}` : concat(bitsMsbFirst);
}

/**
 * The structure of an n-bit popcount. With `match`, the module counts the match of two
 * operands (ports a_i, b_i): the loop and the carry tree form the match vector first and
 * count it; the counter tree folds the match into its first level.
 */
export function planPopcount(n: number, arch: PopcountArch, match: MatchInputs | null = null): PopcountPlan {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`popcount of ${n} bits`);
  if (match && (!Number.isInteger(match.andBits) || match.andBits < 0 || match.andBits > n)) {
    throw new RangeError(`andBits ${match.andBits} for a ${n}-bit match`);
  }
  if (arch === 'carry-tree') return carryTree(n, match);
  if (arch === 'gpc63') return counterTree(n, match);
  return { arch, n, match, width: bitlen(n), nodes: [], result: '', depth: 0 };
}

const ARCH_TEXT: Record<PopcountArch, string> = {
  loop: 'plain for-loop (Yosys maps it as one multi-operand adder)',
  'carry-tree': 'tree of small adders on the carry chain (left + right + input bit as carry-in)',
  gpc63: '6:3 counter tree (column compression) and one final adder',
};

function pairsModule(prefix: string): string {
  return `${prefix}_pc_pairs`;
}

/** The match vector in SV: AND on the low andBits bits, XNOR above (SPEC §1, §3). */
function matchContext(m: MatchInputs, n: number): { xnor: boolean; and: boolean; split: { andBits: number } | null } {
  return { xnor: m.andBits === 0, and: m.andBits === n, split: m.andBits > 0 && m.andBits < n ? { andBits: m.andBits } : null };
}

function matchText(m: MatchInputs | null, n: number): string {
  if (!m) return 'popcount(in_i)';
  if (m.andBits === 0) return 'popcount(~(a_i ^ b_i)) (XNOR matches)';
  if (m.andBits === n) return 'popcount(a_i & b_i) (AND matches)';
  return `popcount(a_i[${m.andBits - 1}:0] & b_i[${m.andBits - 1}:0]) + popcount(~(a_i[${n - 1}:${m.andBits}] ^ b_i[${n - 1}:${m.andBits}]))`;
}

/**
 * The popcount module and the leaf modules its architecture instantiates. With `match`,
 * the module counts the match of a_i and b_i (see MatchInputs) instead of in_i.
 */
export function renderPopcount(
  prefix: string,
  n: number,
  arch: PopcountArch,
  meta: RenderMeta,
  match: MatchInputs | null = null,
): GeneratedFile[] {
  const plan = planPopcount(n, arch, match);
  const module = popcountModule(prefix);
  const params = {
    Bits: n,
    CountWidth: `${plan.width} = bitlen(${n})`,
    Architecture: ARCH_TEXT[arch],
    ...(arch === 'loop' ? {} : { Nodes: plan.nodes.length, NodeLevels: plan.depth }),
  };
  const head = header(module, [`Combinational population count of ${n} bits: count_o = ${matchText(match, n)}.`], params, meta);
  const ports = {
    n,
    width: plan.width,
    match: match ? matchContext(match, n) : null,
    // The loop counts a match vector formed first; the trees read a_i / b_i in their
    // leaves directly.
    matchVector: match !== null && arch === 'loop',
  };
  const files: GeneratedFile[] = [];
  if (arch === 'loop') {
    files.push({
      path: `${module}.sv`,
      content: renderTemplate('popcount/popcount_loop.sv.hbs', { header: head, module, ...ports, src: match ? 'match' : 'in_i' }),
      kind: 'sv',
    });
    return files;
  }
  const cells = { add: addModule(prefix), count: countModule(prefix), pairs: pairsModule(prefix) };
  const nodes = plan.nodes.map((node) => {
    if (node.cell === 'add') {
      return {
        cell: cells.add,
        params: [
          { name: 'W', value: node.size },
          { name: 'O', value: node.outWidth },
        ],
        wire: node.wire,
        outWidth: node.outWidth,
        ports: [
          { name: 'a_i', expr: node.inputs[0]! },
          { name: 'b_i', expr: node.inputs[1]! },
          { name: 'c_i', expr: node.inputs[2]! },
          { name: 's_o', expr: node.wire },
        ],
      };
    }
    if (node.cell === 'pairs') {
      return {
        cell: cells.pairs,
        params: [
          { name: 'K', value: node.size },
          { name: 'AndBits', value: node.size1 ?? 0 },
          { name: 'W', value: node.outWidth },
        ],
        wire: node.wire,
        outWidth: node.outWidth,
        ports: [
          { name: 'a_i', expr: node.inputs[0]! },
          { name: 'b_i', expr: node.inputs[1]! },
          { name: 'count_o', expr: node.wire },
        ],
      };
    }
    return {
      cell: cells.count,
      params: [
        { name: 'K', value: node.size },
        { name: 'K1', value: node.size1 ?? 0 },
        { name: 'W', value: node.outWidth },
      ],
      wire: node.wire,
      outWidth: node.outWidth,
      ports: [
        { name: 'in_i', expr: node.inputs[0]! },
        { name: 'count_o', expr: node.wire },
      ],
    };
  });
  const used = (cell: TreeNode['cell']) => plan.nodes.some((x) => x.cell === cell);
  const comment =
    arch === 'carry-tree'
      ? [`${plan.nodes.length} adders, ${plan.depth} levels: node = left count + right count + one input bit (carry-in).`]
      : [
          `${used('pairs') ? `${plan.nodes.filter((x) => x.cell === 'pairs').length} match leaves (3 pairs each), ` : ''}` +
            `${plan.nodes.filter((x) => x.cell === 'count').length} counters, ${plan.depth} levels in all, the last a two-row adder.`,
        ];
  files.push({
    path: `${module}.sv`,
    content: renderTemplate('popcount/popcount_tree.sv.hbs', { header: head, module, ...ports, comment, nodes, result: plan.result }),
    kind: 'sv',
  });
  if (used('add')) {
    files.push({
      path: `${cells.add}.sv`,
      content: renderTemplate('popcount/pc_add.sv.hbs', {
        header: header(cells.add, ['Popcount tree node: s_o = a_i + b_i + c_i (unsigned).'], { W: 'operand width', O: 'W + 1, or W when the sum fits' }, meta),
        module: cells.add,
      }),
      kind: 'sv',
    });
  }
  if (used('count')) {
    files.push({
      path: `${cells.count}.sv`,
      content: renderTemplate('popcount/pc_count.sv.hbs', {
        header: header(cells.count, ['Popcount tree node: count_o = popcount(in_i[K-1:0]) + 2 * popcount(in_i[K+K1-1:K]), K + K1 ≤ 6.'], { K: 'inputs of weight 1', K1: 'inputs of weight 2', W: 'bitlen(K + 2 * K1)' }, meta),
        module: cells.count,
      }),
      kind: 'sv',
    });
  }
  if (used('pairs')) {
    files.push({
      path: `${cells.pairs}.sv`,
      content: renderTemplate('popcount/pc_pairs.sv.hbs', {
        header: header(
          cells.pairs,
          ['Popcount leaf fused with the similarity: count_o = matches of K (a, b) pairs, AND on the low AndBits pairs, XNOR above.'],
          { K: 'pairs (≤ 3: six inputs, one LUT6 per output bit)', AndBits: 'pairs compared with AND', W: 'bitlen(K)' },
          meta,
        ),
        module: cells.pairs,
      }),
      kind: 'sv',
    });
  }
  return files;
}
