/**
 * Evaluates a popcount plan (src/parts/popcount.ts) in TypeScript, cell by cell, the way the
 * rendered SystemVerilog computes it — so a test can check the plan against an independent
 * popcount without parsing any SV. Strict: operand widths must match each cell's ports,
 * no output may be truncated, a node may read only nodes before it, and pipeline registers
 * must sit exactly at stage boundaries.
 */
import { nodeInputs, type Bit, type PlanNode, type PopcountPlan } from '../../src/parts/popcount.js';

/** What a plan counts: plain bits (in_i), or the match of two operands (a_i, b_i). */
export interface PlanInput {
  a: boolean[];
  b?: boolean[];
}

/** The reference: popcount of in_i, or of the match (AND on the low andBits bits, XNOR above). */
export function referenceCount(plan: PopcountPlan, input: PlanInput): number {
  let want = 0;
  for (let c = 0; c < plan.n; c++) {
    if (!plan.match) want += input.a[c] ? 1 : 0;
    else want += (c < plan.match.andBits ? input.a[c]! && input.b![c]! : input.a[c] === input.b![c]) ? 1 : 0;
  }
  return want;
}

/** The clocked state of a pipelined plan: stages[s][i] holds register i of stage s + 1. */
type Regs = boolean[][];

interface Values {
  nodes: number[];
}

function bitValue(plan: PopcountPlan, b: Bit, input: PlanInput, v: Values, regs: Regs | null, reader: number): boolean {
  switch (b.kind) {
    case 'zero':
      return false;
    case 'one':
      return true;
    case 'in':
      if (plan.match) throw new Error(`in_i[${b.index}] read by a match popcount`);
      if (b.index >= plan.n) throw new Error(`in_i[${b.index}] out of range`);
      return input.a[b.index]!;
    case 'operand':
      if (!plan.match) throw new Error(`${b.side}_i read by a plain popcount`);
      if (b.index >= plan.n) throw new Error(`${b.side}_i[${b.index}] out of range`);
      return (b.side === 'a' ? input.a : input.b!)[b.index]!;
    case 'match': {
      if (!plan.match) throw new Error(`a match bit read by a plain popcount`);
      if (b.index >= plan.n) throw new Error(`match ${b.index} out of range`);
      // The op must be the one SPEC §3 gives this position (AND on data bits of "and").
      const want = b.index < plan.match.andBits ? 'and' : 'xnor';
      if (b.op !== want) throw new Error(`match ${b.index} uses ${b.op}, expected ${want}`);
      const [x, y] = [input.a[b.index]!, input.b![b.index]!];
      return b.op === 'and' ? x && y : x === y;
    }
    case 'node': {
      if (b.node >= reader) throw new Error(`node ${reader} reads node ${b.node}, which is not before it`);
      const node = plan.nodes[b.node]!;
      if (b.bit >= node.outWidth) throw new Error(`bit ${b.bit} of node ${b.node} (${node.outWidth} bits)`);
      return Math.floor(v.nodes[b.node]! / 2 ** b.bit) % 2 === 1;
    }
    case 'reg': {
      const src = plan.stages[b.stage - 1]?.[b.index];
      if (!src) throw new Error(`register ${b.index} of stage ${b.stage} does not exist`);
      // Combinational view: a register passes its source on. Clocked view: its held value.
      return regs ? regs[b.stage - 1]![b.index]! : bitValue(plan, src, input, v, null, reader);
    }
  }
}

function toNumber(bits: boolean[]): number {
  return bits.reduce((s, x, i) => s + (x ? 2 ** i : 0), 0);
}

/** A LUT's output: INIT bit at the index its inputs form (I0 = LSB), as UG953 and cells_sim.v define it. */
function lut(init: bigint, inputs: boolean[]): boolean {
  return ((init >> BigInt(toNumber(inputs))) & 1n) === 1n;
}

function evalNode(plan: PopcountPlan, node: PlanNode, i: number, input: PlanInput, v: Values, regs: Regs | null): number {
  const bit = (b: Bit) => bitValue(plan, b, input, v, regs, i);
  const vec = (bs: Bit[]) => toNumber(bs.map(bit));
  let out: number;
  switch (node.cell) {
    case 'add': {
      const w = node.a.length;
      if (node.b.length !== w || w < 1) throw new Error(`node ${i}: operand widths ${node.a.length}, ${node.b.length}`);
      if (node.outWidth !== w && node.outWidth !== w + 1) throw new Error(`node ${i}: ${node.outWidth} output bits for W = ${w}`);
      out = vec(node.a) + vec(node.b) + (bit(node.c) ? 1 : 0);
      break;
    }
    case 'count': {
      if (node.ones.length + node.twos.length > 6 || node.ones.length + node.twos.length < 1) throw new Error(`node ${i}: ${node.ones.length} + ${node.twos.length} inputs`);
      out = node.ones.filter(bit).length + 2 * node.twos.filter(bit).length;
      break;
    }
    case 'pairs': {
      if (node.pairs.length < 1 || node.pairs.length > 3) throw new Error(`node ${i}: ${node.pairs.length} pairs`);
      if (!plan.match) throw new Error(`node ${i}: a match leaf in a plain popcount`);
      // As the SV leaf does it: AND on its first AndBits pairs, XNOR on the rest.
      const andBits = node.pairs.filter((p) => p.op === 'and').length;
      out = 0;
      node.pairs.forEach((p, k) => {
        const [x, y] = [input.a[p.index]!, input.b![p.index]!];
        if (k < andBits ? x && y : x === y) out++;
      });
      // The leaf's op for a position must still be the SPEC's.
      node.pairs.forEach((p) => bit(p));
      break;
    }
    case 'lut': {
      if (node.inputs.length < 1 || node.inputs.length > 6) throw new Error(`node ${i}: LUT${node.inputs.length}`);
      if (node.init >> BigInt(2 ** node.inputs.length) !== 0n) throw new Error(`node ${i}: INIT wider than 2^${node.inputs.length} bits`);
      out = lut(node.init, node.inputs.map(bit)) ? 1 : 0;
      break;
    }
    case 'lut6_2': {
      if (node.inputs.length !== 6) throw new Error(`node ${i}: LUT6_2 with ${node.inputs.length} inputs`);
      const ins = node.inputs.map(bit);
      // O6 from all six inputs; O5 from the lower half of INIT with I0 … I4 (I5 ignored).
      out = (lut(node.init, ins) ? 1 : 0) + (lut(node.init & 0xffffffffn, ins.slice(0, 5)) ? 2 : 0);
      break;
    }
    case 'carry4': {
      if (node.s.length !== 4 || node.di.length !== 4) throw new Error(`node ${i}: CARRY4 with ${node.s.length} S and ${node.di.length} DI`);
      // O = S ^ {CO[2:0], CI | CYINIT}; CO[k] = S[k] ? carry in : DI[k].
      let c = bit(node.ci) || bit(node.cyinit);
      const o: boolean[] = [];
      const co: boolean[] = [];
      for (let k = 0; k < 4; k++) {
        const s = bit(node.s[k]!);
        o.push(s !== c);
        c = s ? c : bit(node.di[k]!);
        co.push(c);
      }
      out = toNumber([...o, ...co]);
      break;
    }
  }
  if (out >= 2 ** node.outWidth) throw new Error(`node ${i}: ${out} does not fit ${node.outWidth} bits`);
  return out;
}

function evaluate(plan: PopcountPlan, input: PlanInput, regs: Regs | null): { count: number; v: Values } {
  if (plan.arch === 'loop') throw new Error('the loop has no plan to evaluate');
  const v: Values = { nodes: [] };
  plan.nodes.forEach((node, i) => v.nodes.push(evalNode(plan, node, i, input, v, regs)));
  if (plan.result.length !== plan.width) throw new Error(`result is ${plan.result.length} bits, not ${plan.width}`);
  const count = toNumber(plan.result.map((b) => bitValue(plan, b, input, v, regs, plan.nodes.length)));
  return { count, v };
}

/** The count the plan computes for one input, registers taken as wires (a pipelined plan's value). */
export function evaluatePlan(plan: PopcountPlan, input: PlanInput): number {
  return evaluate(plan, input, null).count;
}

/**
 * Clock-by-clock: feeds one input per clock and returns the count output at every clock. A
 * plan with P register stages must show the count of input t at clock t + P.
 */
export function runPipelined(plan: PopcountPlan, inputs: PlanInput[]): number[] {
  let regs: Regs = plan.stages.map((s) => s.map(() => false));
  const outs: number[] = [];
  for (const input of inputs) {
    const { count, v } = evaluate(plan, input, regs);
    outs.push(count);
    regs = plan.stages.map((srcs) => srcs.map((src) => bitValue(plan, src, input, v, regs, plan.nodes.length)));
  }
  return outs;
}

/**
 * The stage every bit belongs to, and a check that each node reads bits of one stage only:
 * inputs are stage 0, a node is in the stage of what it reads, a register of stage s reads
 * stage s − 1, and the result is in the last stage.
 */
export function checkStages(plan: PopcountPlan): void {
  const nodeStage: number[] = [];
  const stageOf = (b: Bit): number | null => {
    if (b.kind === 'zero' || b.kind === 'one') return null;
    if (b.kind === 'node') return nodeStage[b.node]!;
    if (b.kind === 'reg') return b.stage;
    return 0;
  };
  const one = (bits: Bit[], what: string): number => {
    const stages = [...new Set(bits.map(stageOf).filter((s): s is number => s !== null))];
    if (stages.length > 1) throw new Error(`${what} reads stages ${stages.join(', ')}`);
    return stages[0] ?? 0;
  };
  plan.nodes.forEach((node, i) => nodeStage.push(one(nodeInputs(node), `node ${i}`)));
  plan.stages.forEach((srcs, s) => srcs.forEach((src, k) => {
    const st = stageOf(src);
    if (st !== null && st !== s) throw new Error(`register ${k} of stage ${s + 1} reads stage ${st}`);
  }));
  const last = one(plan.result, 'the result');
  if (plan.result.some((b) => stageOf(b) !== null) && last !== plan.stages.length) throw new Error(`the result is in stage ${last} of ${plan.stages.length}`);
}
