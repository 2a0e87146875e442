/**
 * Register stages cut into a popcount plan (src/parts/popcount.ts): at most `every` logic
 * levels per clock. Pure data in, pure data out: the result is the same plan with stage
 * registers (Bit `reg`) between its cells, so the renderer, the estimator and the tests all
 * see the same pipeline.
 *
 * The cut: walking the cells in order, each cell sits in the latest stage any of its
 * inputs is available in, at depth = the deepest such input + its own delay. A cell whose
 * depth reaches `every` has its output registered (its readers move to the next stage),
 * unless only count_o reads it — the popcount's user registers the count anyway. Every value
 * a later stage reads is delayed to that stage by a chain of one-bit registers, input
 * bits included (the carry-ins of upper adders; a match bit is registered after its
 * AND / XNOR, one flip-flop). Only the bits that are read get a register.
 *
 * `lead` levels count as already spent in the first stage: the logic in front of the
 * popcount in the same clock (the engine's key-buffer read, a block-RAM clock-to-out).
 */
import type { Bit, PlanNode, PopcountPlan } from './popcount.js';
import { nodeInputs } from './popcount.js';

/** The pipelining of a popcount: at most `every` levels per clock, `lead` spent before the first. every = 0: none. */
export interface PopcountPipe {
  every: number;
  lead: number;
}

export const NO_PIPE: PopcountPipe = { every: 0, lead: 0 };

/** A value of the combinational plan: a raw input bit or a cell's output bit. */
function valueKey(b: Bit): string | null {
  switch (b.kind) {
    case 'zero':
    case 'one':
      return null;
    case 'in':
      return `i${b.index}`;
    case 'match':
      return `m${b.index}${b.op}`;
    case 'operand':
      return `${b.side}${b.index}`;
    case 'node':
      return `n${b.node}.${b.bit}`;
    case 'reg':
      throw new Error('pipelinePlan takes a combinational plan');
  }
}

function mapNodeInputs(node: PlanNode, f: (b: Bit) => Bit): PlanNode {
  switch (node.cell) {
    case 'add':
      return { ...node, a: node.a.map(f), b: node.b.map(f), c: f(node.c) };
    case 'count':
      return { ...node, ones: node.ones.map(f), twos: node.twos.map(f) };
    case 'pairs':
      // A leaf reads the operand pairs themselves: it must sit in the first stage.
      return { ...node, pairs: node.pairs.map((p) => f(p) as typeof p) };
    case 'lut':
    case 'lut6_2':
      return { ...node, inputs: node.inputs.map(f) };
    case 'carry4':
      return { ...node, ci: f(node.ci), cyinit: f(node.cyinit), di: node.di.map(f), s: node.s.map(f) };
  }
}

export function pipelinePlan(plan: PopcountPlan, pipe: PopcountPipe): PopcountPlan {
  if (plan.stages.length) throw new Error('the plan is already pipelined');
  if (pipe.every <= 0 || plan.arch === 'loop' || plan.nodes.length === 0) return plan;
  // Cells read by another cell: only those can end a stage (a cell that only drives count_o
  // stays in the last stage; the user registers the count).
  const feeding = new Set(plan.nodes.flatMap((x) => nodeInputs(x).flatMap((b) => (b.kind === 'node' ? [b.node] : []))));
  // Per cell: its stage, its depth there, and whether its output is registered.
  const cells: { stage: number; depth: number; registered: boolean }[] = [];
  /** Where a value is first available: stage, and depth within it. */
  const avail = (b: Bit): { stage: number; depth: number } | null => {
    if (b.kind === 'zero' || b.kind === 'one') return null;
    if (b.kind === 'node') {
      const c = cells[b.node]!;
      return c.registered ? { stage: c.stage + 1, depth: 0 } : { stage: c.stage, depth: c.depth };
    }
    return { stage: 0, depth: pipe.lead };
  };
  /** The stage a value is computed in (combinationally). */
  const origin = (b: Bit): number => (b.kind === 'node' ? cells[b.node]!.stage : 0);

  const stages: Bit[][] = [];
  const regIndex = new Map<string, number>();
  /** Value b as seen in stage s: itself, or the last register of its delay chain. */
  const at = (b: Bit, s: number): Bit => {
    const key = valueKey(b);
    if (key === null) return b;
    const o = origin(b);
    if (s < o) throw new Error(`a value of stage ${o} read in stage ${s}`);
    if (s === o) return b;
    const k = `${key}@${s}`;
    let index = regIndex.get(k);
    if (index === undefined) {
      const src = at(b, s - 1);
      while (stages.length < s) stages.push([]);
      index = stages[s - 1]!.length;
      stages[s - 1]!.push(src);
      regIndex.set(k, index);
    }
    return { kind: 'reg', stage: s, index };
  };
  const placed = (bits: Bit[]): { stage: number; depth: number } => {
    let stage = 0;
    let depth = 0;
    for (const b of bits) {
      const a = avail(b);
      if (!a) continue;
      if (a.stage > stage) [stage, depth] = [a.stage, a.depth];
      else if (a.stage === stage) depth = Math.max(depth, a.depth);
    }
    return { stage, depth };
  };

  const nodes: PlanNode[] = plan.nodes.map((node, i) => {
    const p = placed(nodeInputs(node));
    if (node.cell === 'pairs' && p.stage !== 0) throw new Error(`match leaf ${i} placed in stage ${p.stage}`);
    const depth = p.depth + node.delay;
    cells.push({ stage: p.stage, depth, registered: node.delay > 0 && depth >= pipe.every && feeding.has(i) });
    return mapNodeInputs(node, (b) => at(b, p.stage));
  });
  const last = placed(plan.result).stage;
  const result = plan.result.map((b) => at(b, last));
  if (stages.length !== last) throw new Error(`registers in ${stages.length} stages, the count in stage ${last}`);
  return { ...plan, nodes, result, stages };
}

/** Flip-flops a pipelined plan adds (one per stage-register bit). */
export function pipelineRegisters(plan: PopcountPlan): number {
  return plan.stages.reduce((s, regs) => s + regs.length, 0);
}
