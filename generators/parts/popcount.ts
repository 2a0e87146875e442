/**
 * The popcount part's generator: renders a plan of src/parts/popcount.ts as
 * `<prefix>_popcount` and the leaf modules its architecture instantiates
 * (templates/popcount/). The plan holds typed bit references only; this file is the one
 * place they become SystemVerilog text.
 */
import type { GeneratedFile, RenderMeta } from '../../src/render/files.js';
import { renderTemplate } from '../../src/render/templates.js';
import { header } from '../../src/render/header.js';
import { nodeInputs, planPopcount, VENDOR_CELLS, type Bit, type MatchInputs, type PlanNode, type PopcountArch, type PopcountPlan } from '../../src/parts/popcount.js';
import { NO_PIPE, pipelinePlan, pipelineRegisters, type PopcountPipe } from '../../src/parts/popcount-pipeline.js';

export function popcountModule(prefix: string): string {
  return `${prefix}_popcount`;
}
function addModule(prefix: string): string {
  return `${prefix}_pc_add`;
}
function countModule(prefix: string): string {
  return `${prefix}_pc_count`;
}
function pairsModule(prefix: string): string {
  return `${prefix}_pc_pairs`;
}

const ARCH_TEXT: Record<PopcountArch, string> = {
  loop: 'plain for-loop (Yosys maps it as one multi-operand adder)',
  'carry-tree': 'tree of small adders on the carry chain (left + right + input bit as carry-in)',
  gpc63: '6:3 counter tree (column compression) and one final adder',
  'xc7-chain': 'AMD 7-series pair-chain compressor tree: LUT6_2 + CARRY4 primitives (Yosys xilinx/cells_sim.v simulates them)',
};

function matchText(m: MatchInputs | null, n: number): string {
  if (!m) return 'popcount(in_i)';
  if (m.andBits === 0) return 'popcount(~(a_i ^ b_i)) (XNOR matches)';
  if (m.andBits === n) return 'popcount(a_i & b_i) (AND matches)';
  return `popcount(a_i[${m.andBits - 1}:0] & b_i[${m.andBits - 1}:0]) + popcount(~(a_i[${n - 1}:${m.andBits}] ^ b_i[${n - 1}:${m.andBits}]))`;
}

// ---------------------------------------------------------------------------------------
// Bits → SystemVerilog expressions.

/** The SV net of node `i`'s output (a vector of its outWidth bits). */
function nodeNet(i: number): string {
  return `n${i}`;
}
/** The register vector of pipeline stage s (≥ 1). */
function stageNet(s: number): string {
  return `p${s}_q`;
}

/** Whether `b` continues the run that ends with `a` (same source, next index). */
function continues(a: Bit, b: Bit, nets: Nets): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'zero' || a.kind === 'one') return true;
  if (a.kind === 'in' && b.kind === 'in') return b.index === a.index + 1;
  if (a.kind === 'match' && b.kind === 'match') return b.op === a.op && b.index === a.index + 1;
  if (a.kind === 'operand' && b.kind === 'operand') return b.side === a.side && b.index === a.index + 1;
  // A primitive's outputs are one net per bit: never a slice.
  if (a.kind === 'node' && b.kind === 'node') return b.node === a.node && b.bit === a.bit + 1 && nets.bitNet(a.node, a.bit) === null;
  if (a.kind === 'reg' && b.kind === 'reg') return b.stage === a.stage && b.index === a.index + 1;
  return false;
}

const range = (lo: number, hi: number) => (hi === lo ? `[${lo}]` : `[${hi}:${lo}]`);

/** The nets bits live on: vectors a run may cover whole (node outputs, stage registers), or one net per bit (primitives). */
interface Nets {
  node: (i: number) => number;
  stage: (s: number) => number;
  /** The net of one output bit of a primitive node, or null for a vector output. */
  bitNet: (node: number, bit: number) => string | null;
}

function runText(run: Bit[], widths: Nets): string {
  const first = run[0]!;
  const last = run[run.length - 1]!;
  const k = run.length;
  switch (first.kind) {
    case 'zero':
      return `${k}'b0`;
    case 'one':
      return k === 1 ? "1'b1" : `{${k}{1'b1}}`;
    case 'in':
      return `in_i${range(first.index, (last as typeof first).index)}`;
    case 'match': {
      const r = range(first.index, (last as typeof first).index);
      return first.op === 'and' ? `(a_i${r} & b_i${r})` : `~(a_i${r} ^ b_i${r})`;
    }
    case 'operand':
      return `${first.side}_i${range(first.index, (last as typeof first).index)}`;
    case 'node': {
      const net = widths.bitNet(first.node, first.bit);
      if (net !== null) return net;
      const hi = (last as typeof first).bit;
      return first.bit === 0 && hi === widths.node(first.node) - 1 ? nodeNet(first.node) : `${nodeNet(first.node)}${range(first.bit, hi)}`;
    }
    case 'reg': {
      const hi = (last as typeof first).index;
      return first.index === 0 && hi === widths.stage(first.stage) - 1 ? stageNet(first.stage) : `${stageNet(first.stage)}${range(first.index, hi)}`;
    }
  }
}

/** A vector of bits (LSB first) as one SV expression: runs, concatenated MSB first. */
export function svBits(bits: readonly Bit[], widths: Nets): string {
  if (bits.length === 0) throw new Error('an empty operand');
  const runs: Bit[][] = [];
  for (const b of bits) {
    const cur = runs[runs.length - 1];
    if (cur && continues(cur[cur.length - 1]!, b, widths)) cur.push(b);
    else runs.push([b]);
  }
  const parts = runs.map((r) => runText(r, widths)).reverse();
  return parts.length === 1 ? parts[0]! : `{${parts.join(', ')}}`;
}

/** Bits `indices` (LSB first) of the vector `name`: ascending runs as slices, concatenated MSB first. */
function svIndexed(name: string, indices: readonly number[]): string {
  const runs: number[][] = [];
  for (const i of indices) {
    const cur = runs[runs.length - 1];
    if (cur && i === cur[cur.length - 1]! + 1) cur.push(i);
    else runs.push([i]);
  }
  const parts = runs.map((r) => `${name}${range(r[0]!, r[r.length - 1]!)}`).reverse();
  return parts.length === 1 ? parts[0]! : `{${parts.join(', ')}}`;
}

// ---------------------------------------------------------------------------------------

interface Instance {
  cell: string;
  name: string;
  params: { name: string; value: number | string }[] | null;
  /** Nets the instance drives: a vector (width) or single bits (width null). */
  decls: { name: string; width: number | null }[];
  ports: { name: string; expr: string }[];
}

/** Per-bit output nets of a primitive: `<port>` names, `_unused` appended for bits nobody reads. */
const PRIM_PORTS: Partial<Record<PlanNode['cell'], string[]>> = {
  lut: ['o'],
  lut6_2: ['o6', 'o5'],
  carry4: ['o0', 'o1', 'o2', 'o3', 'co0', 'co1', 'co2', 'co3'],
};

function primitiveNet(i: number, bit: number, cell: PlanNode['cell'], used: boolean): string {
  return `${nodeNet(i)}_${PRIM_PORTS[cell]![bit]}${used ? '' : '_unused'}`;
}

const hex = (v: bigint, bits: number) => `${bits}'h${v.toString(16).padStart(Math.max(1, Math.ceil(bits / 4)), '0')}`;

function instance(prefix: string, node: PlanNode, i: number, widths: Nets, used: (bit: number) => boolean): Instance {
  const v = (bits: readonly Bit[]) => svBits(bits, widths);
  const wire = nodeNet(i);
  const vector = [{ name: wire, width: node.outWidth }];
  const name = `u_${wire}`;
  if (node.cell === 'lut' || node.cell === 'lut6_2') {
    const k = node.inputs.length;
    const outs = node.cell === 'lut' ? [{ name: 'O', bit: 0 }] : [{ name: 'O6', bit: 0 }, { name: 'O5', bit: 1 }];
    return {
      cell: node.cell === 'lut' ? `LUT${k}` : 'LUT6_2',
      name,
      params: [{ name: 'INIT', value: hex(node.init, node.cell === 'lut' ? 2 ** k : 64) }],
      decls: outs.map((o) => ({ name: primitiveNet(i, o.bit, node.cell, used(o.bit)), width: null })),
      ports: [...outs.map((o) => ({ name: o.name, expr: primitiveNet(i, o.bit, node.cell, used(o.bit)) })), ...node.inputs.map((b, q) => ({ name: `I${q}`, expr: v([b]) }))],
    };
  }
  if (node.cell === 'carry4') {
    const net = (bit: number) => primitiveNet(i, bit, 'carry4', used(bit));
    const all = Array.from({ length: 8 }, (_, b) => b);
    return {
      cell: 'CARRY4',
      name,
      params: null,
      decls: all.map((b) => ({ name: net(b), width: null })),
      ports: [
        { name: 'CO', expr: `{${[7, 6, 5, 4].map(net).join(', ')}}` },
        { name: 'O', expr: `{${[3, 2, 1, 0].map(net).join(', ')}}` },
        { name: 'CI', expr: v([node.ci]) },
        { name: 'CYINIT', expr: v([node.cyinit]) },
        { name: 'DI', expr: v(node.di) },
        { name: 'S', expr: v(node.s) },
      ],
    };
  }
  if (node.cell === 'add') {
    return {
      name,
      decls: vector,
      cell: addModule(prefix),
      params: [
        { name: 'W', value: node.a.length },
        { name: 'O', value: node.outWidth },
      ],
      ports: [
        { name: 'a_i', expr: v(node.a) },
        { name: 'b_i', expr: v(node.b) },
        { name: 'c_i', expr: v([node.c]) },
        { name: 's_o', expr: wire },
      ],
    };
  }
  if (node.cell === 'pairs') {
    // The leaf applies AND to its first AndBits pairs: the plan must list those first.
    const andBits = node.pairs.filter((p) => p.op === 'and').length;
    if (node.pairs.some((p, k) => (p.op === 'and') !== k < andBits)) throw new Error(`node ${i}: AND pairs must come first`);
    return {
      cell: pairsModule(prefix),
      name,
      decls: vector,
      params: [
        { name: 'K', value: node.pairs.length },
        { name: 'AndBits', value: andBits },
        { name: 'W', value: node.outWidth },
      ],
      ports: [
        { name: 'a_i', expr: svIndexed('a_i', node.pairs.map((p) => p.index)) },
        { name: 'b_i', expr: svIndexed('b_i', node.pairs.map((p) => p.index)) },
        { name: 'count_o', expr: wire },
      ],
    };
  }
  return {
    cell: countModule(prefix),
    name,
    decls: vector,
    params: [
      { name: 'K', value: node.ones.length },
      { name: 'K1', value: node.twos.length },
      { name: 'W', value: node.outWidth },
    ],
    // One input vector: the K bits of weight 1 at the bottom, the K1 bits of weight 2 above.
    ports: [
      { name: 'in_i', expr: v([...node.ones, ...node.twos]) },
      { name: 'count_o', expr: wire },
    ],
  };
}

/**
 * The popcount module and the leaf modules its architecture instantiates. With `match`,
 * the module counts the match of a_i and b_i (see MatchInputs) instead of in_i; with
 * `pipe`, the tree has register stages (src/parts/popcount-pipeline.ts).
 */
export function renderPopcount(
  prefix: string,
  n: number,
  arch: PopcountArch,
  meta: RenderMeta,
  match: MatchInputs | null = null,
  pipe: PopcountPipe = NO_PIPE,
): GeneratedFile[] {
  return renderPopcountPlan(prefix, pipelinePlan(planPopcount(n, arch, match), pipe), meta, pipe);
}

/** Renders a plan as it is (pipelined or not); `pipe` only says how its stages were cut, for the header. */
export function renderPopcountPlan(prefix: string, plan: PopcountPlan, meta: RenderMeta, pipe: PopcountPipe = NO_PIPE): GeneratedFile[] {
  const { arch, n, match } = plan;
  const module = popcountModule(prefix);
  const p = plan.stages.length;
  const params = {
    Bits: n,
    CountWidth: `${plan.width} = bitlen(${n})`,
    Architecture: ARCH_TEXT[arch],
    ...(arch === 'loop' ? {} : { Nodes: plan.nodes.length, NodeLevels: plan.depth }),
    ...(p
      ? {
          Stages: `${p} (at most ${pipe.every} logic levels per clock${pipe.lead ? `, the first stage ${pipe.lead} level(s) shorter for the logic in front of a_i / b_i` : ''}; ${pipelineRegisters(plan)} flip-flops)`,
          Latency: `${p} clock(s) from a_i / b_i to count_o`,
        }
      : {}),
  };
  const what = p ? `Population count of ${n} bits in ${p + 1} pipeline stages` : `Combinational population count of ${n} bits`;
  const head = header(module, [`${what}: count_o = ${matchText(match, n)}.`], params, meta);
  const ports = { n, width: plan.width, match: match !== null };
  const files: GeneratedFile[] = [];
  if (arch === 'loop') {
    // The loop counts a match vector formed first (AND on the low andBits bits, XNOR above).
    const widths: Nets = { node: () => 0, stage: () => 0, bitNet: () => null };
    const matchVector = match ? svBits(Array.from({ length: n }, (_, c) => (c < match.andBits ? { kind: 'match', index: c, op: 'and' } : { kind: 'match', index: c, op: 'xnor' })), widths) : null;
    files.push({
      path: `${module}.sv`,
      content: renderTemplate('popcount/popcount_loop.sv.hbs', { header: head, module, ...ports, matchVector, src: match ? 'match' : 'in_i' }),
      kind: 'sv',
    });
    return files;
  }
  // Which node output bits something reads (a primitive's unread outputs get *_unused nets).
  const read = new Set<string>();
  const note = (b: Bit) => b.kind === 'node' && read.add(`${b.node}.${b.bit}`);
  plan.nodes.forEach((x) => nodeInputs(x).forEach(note));
  plan.stages.forEach((srcs) => srcs.forEach(note));
  plan.result.forEach(note);
  const isPrim = (i: number) => VENDOR_CELLS.has(plan.nodes[i]!.cell);
  const widths: Nets = {
    node: (i) => plan.nodes[i]!.outWidth,
    stage: (s) => plan.stages[s - 1]!.length,
    bitNet: (i, bit) => (isPrim(i) ? primitiveNet(i, bit, plan.nodes[i]!.cell, read.has(`${i}.${bit}`)) : null),
  };
  const nodes = plan.nodes.map((node, i) => instance(prefix, node, i, widths, (bit) => read.has(`${i}.${bit}`)));
  const count = (cell: PlanNode['cell']) => plan.nodes.filter((x) => x.cell === cell).length;
  const comment =
    arch === 'carry-tree'
      ? [`${plan.nodes.length} adders, ${plan.depth} levels: node = left count + right count + one input bit (carry-in).`]
      : arch === 'xc7-chain'
        ? [
            `${count('lut') + count('lut6_2')} LUTs (${count('lut6_2')} LUT6_2), ${count('carry4')} CARRY4, ${plan.depth} logic levels: carry chains of`,
            'pair compressors (L: O6 = parity(A) ^ y -> S, O5 = parity(A) -> DI; H: the spill of A),',
            'then one chain for the sum. Unread primitive outputs go to *_unused nets.',
          ]
        : [
          `${count('pairs') ? `${count('pairs')} match leaves (3 pairs each), ` : ''}` +
            `${count('count')} counters, ${plan.depth} levels in all, the last a two-row adder.`,
        ];
  const stages = plan.stages.map((srcs, s) => ({ name: stageNet(s + 1), width: srcs.length, src: svBits(srcs, widths) }));
  // The vendor primitives' simulation models come from Yosys (src/tools/vendor.ts).
  const vendor = plan.nodes.some((x) => VENDOR_CELLS.has(x.cell)) ? { vendor: ['yosys-xilinx-cells' as const] } : {};
  files.push({
    path: `${module}.sv`,
    content: renderTemplate('popcount/popcount_tree.sv.hbs', { header: head, module, ...ports, comment, nodes, stages: p ? stages : null, result: svBits(plan.result, widths) }),
    kind: 'sv',
    ...vendor,
  });
  // The cell modules the tree instantiates, one file each (only those it uses).
  const leaf = (template: string, name: string, what: string, params: Record<string, string>): GeneratedFile => ({
    path: `${name}.sv`,
    content: renderTemplate(template, { header: header(name, [what], params, meta), module: name }),
    kind: 'sv',
  });
  if (count('add')) {
    files.push(leaf('popcount/pc_add.sv.hbs', addModule(prefix), 'Popcount tree node: s_o = a_i + b_i + c_i (unsigned).', { W: 'operand width', O: 'W + 1, or W when the sum fits' }));
  }
  if (count('count')) {
    files.push(
      leaf('popcount/pc_count.sv.hbs', countModule(prefix), 'Popcount tree node: count_o = popcount(in_i[K-1:0]) + 2 * popcount(in_i[K+K1-1:K]), K + K1 ≤ 6.', {
        K: 'inputs of weight 1',
        K1: 'inputs of weight 2',
        W: 'bitlen(K + 2 * K1)',
      }),
    );
  }
  if (count('pairs')) {
    files.push(
      leaf('popcount/pc_pairs.sv.hbs', pairsModule(prefix), 'Popcount leaf fused with the similarity: count_o = matches of K (a, b) pairs, AND on the low AndBits pairs, XNOR above.', {
        K: 'pairs (≤ 3: six inputs, one LUT6 per output bit)',
        AndBits: 'pairs compared with AND',
        W: 'bitlen(K)',
      }),
    );
  }
  return files;
}
