/**
 * The popcount part's generator: renders a plan of src/parts/popcount.ts as
 * `<prefix>_popcount` and the leaf modules its architecture instantiates
 * (templates/popcount/).
 */
import type { GeneratedFile, RenderMeta } from '../../src/render/files.js';
import { renderTemplate } from '../../src/render/templates.js';
import { header } from '../../src/render/header.js';
import { planPopcount, type MatchInputs, type PopcountArch, type TreeNode } from '../../src/parts/popcount.js';

export function popcountModule(prefix: string): string {
  return `${prefix}_popcount`;
}
function addModule(prefix: string): string {
  return `${prefix}_pc_add`;
}
function countModule(prefix: string): string {
  return `${prefix}_pc_count`;
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
