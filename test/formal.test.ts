/**
 * Formal equivalence proofs with Yosys (src/formal/, docs/verification.md "Formal proofs"),
 * where simulation cannot be exhaustive:
 *
 * - the Gray term fused into the engine's popcount ≡ a separate Gray ROM plus adder (the
 *   BDD engine: SAT first, then ABC's BDDs);
 * - a `logic` Log-PE lanes core ≡ its `distance-rom` (every (i, j0) the engine presents,
 *   with stalls);
 * - the generic latency harness (two modules, known latencies, a stall input): a popcount
 *   with register stages built here, and the generator's own pipelined popcount.
 *
 * `make test`: small sizes. `make test-full`: Log-PE for every N up to 256 and grids up to
 * 16×16, the fused popcount for D up to 64 in every architecture. Every kind of proof is
 * also shown to fail on a broken variant, with the counterexample Yosys finds.
 */
import { describe, expect, it } from 'vitest';
import { ToolTimeoutError } from '../src/base/errors.js';
import { generateDesign } from '../src/design/design.js';
import type { GeneratedFile } from '../src/render/files.js';
import { resolveConfig } from '../src/io/config-file.js';
import { miterSv } from '../src/formal/miter.js';
import { bddVerdict, parseCounterexample, prove, verdict, type ProofResult, type ProofTask } from '../src/formal/prove.js';
import { grayFusedProof, latencyProof, logPeLanesProof } from '../src/formal/proofs.js';
import { FULL, FULL_ONLY } from './helpers/tier.js';
import { reflectedGray } from './helpers/independent.js';
import { twoAtATime } from './helpers/two-at-a-time.js';

/** Proofs run two at a time (2 cores); each is one Yosys process. */
async function expectProved(task: ProofTask, timeoutSeconds?: number): Promise<ProofResult> {
  const r = await twoAtATime(() => prove(task, timeoutSeconds));
  expect(r.status, `${task.title}\n${r.log}`).toBe('proved');
  return r;
}

const value = (r: ProofResult, signal: string, step = '-') => r.counterexample!.find((v) => v.signal === signal && v.step === step)?.hex;

describe('the proof runner reads Yosys verdicts and counterexamples', () => {
  it('parses a combinational and a sequential counterexample table', () => {
    const comb = ['SAT proof finished - model found: FAIL!', '  Signal Name   Dec  Hex  Bin', '  --- --- --- ---', '  \\gold_out   6   6   00110', '  \\qp   5   5   0101'].join('\n');
    expect(verdict(comb)).toEqual({ status: 'refuted', steps: null });
    expect(parseCounterexample(comb)).toEqual([
      { step: '-', signal: 'gold_out', hex: '6' },
      { step: '-', signal: 'qp', hex: '5' },
    ]);
    const seq = ['** Trying induction with length 2 **', 'SAT temporal induction proof finished - model found for base case: FAIL!', '  init \\u.q_q   4   4   100', '     1 \\en   1   1   1'].join('\n');
    expect(verdict(seq)).toEqual({ status: 'refuted', steps: 2 });
    expect(parseCounterexample(seq)).toEqual([
      { step: 'init', signal: 'u.q_q', hex: '4' },
      { step: '1', signal: 'en', hex: '1' },
    ]);
    expect(verdict('** Trying induction with length 3 **\nReached maximum number of time steps -> proof failed.')).toEqual({ status: 'unknown', steps: 3 });
    expect(() => verdict('ERROR: syntax error')).toThrow(/no verdict/);
    expect(bddVerdict('Assuming the current network is a single-output miter.\nNetworks are equivalent.  Time =     0.00 sec')).toBe('proved');
    expect(bddVerdict('Disproved at least one output of the miter (zero-based number 0).\nNetworks are NOT EQUIVALENT.  Time =     0.00 sec')).toBe('refuted');
    expect(bddVerdict('Error: Collapsing has failed.')).toBe('unknown');
    expect(() => bddVerdict('Cannot open input file "miter.aig".')).toThrow(/no verdict/);
  });

  it('a miter restricts an input to its domain and delays the faster side by the latency difference', () => {
    const sv = miterSv({
      module: 'm',
      inputs: [{ name: 'i', width: 4, below: 12 }, { name: 'x', width: 3 }],
      outputWidth: 5,
      gold: { output: 'i', latency: 0 },
      gate: { output: 'x', latency: 2 },
      enable: 'en',
    });
    expect(sv).toContain("assign i = (i_i < 4'd12) ? i_i : '0;");
    expect(sv).toContain('assign x = x_i;');
    expect(sv).toContain('gold_dly_q[1] <= gold_dly_q[0];');
    expect(sv).toContain("assign ok_o = (filled_q != 2'd2) || (gold_dly_q[1] == gate_out);");
  });

  it('a miter can take two inputs interleaved in one port (the BDD variable order) and asserts ok_o under FORMAL', () => {
    const spec = (interleave: [string, string]) =>
      miterSv({
        module: 'm',
        inputs: [{ name: 'q', width: 3 }, { name: 'p', width: 2 }, { name: 'k', width: 3 }],
        interleave,
        outputWidth: 3,
        gold: { output: 'q', latency: 0 },
        gate: { output: 'k', latency: 0 },
      });
    const sv = spec(['q', 'k']);
    expect(sv).toContain('input  logic [6-1:0] q_k_i,');
    expect(sv).toContain('input  logic [2-1:0] p_i,');
    expect(sv).not.toContain('input  logic [3-1:0] q_i');
    expect(sv).toContain('assign q_i[c] = q_k_i[2*c];');
    expect(sv).toContain('assign k_i[c] = q_k_i[2*c+1];');
    expect(sv).toMatch(/`ifdef FORMAL\n\s+always_comb assert \(ok_o\);\n`endif/);
    expect(() => spec(['q', 'p'])).toThrow(/equal width/);
  });

  it('stops Yosys at its time limit', async () => {
    // A proof that runs for half a minute (fused Gray, D = 64, 6:3 counters: its BDD), so the
    // limit always stops it: the N = 12 Log-PE proof once finished inside a 1 ms limit before
    // the timer fired on a loaded machine.
    await expect(prove(grayFusedProof({ config: { seqLen: 64, dim: 64, popcount: 'gpc63' } }), 1)).rejects.toThrow(ToolTimeoutError);
  });
});

describe.concurrent('Gray term fused into the popcount ≡ separate Gray ROM + adder', () => {
  const small: Record<string, unknown>[] = [
    { seqLen: 12, dim: 8 },
    { seqLen: 12, dim: 13, similarity: 'and', popcount: 'gpc63', grayPe: { impl: 'rom' } },
    { seqLen: 5, dim: 1, popcount: 'loop' },
    { seqLen: 4, dim: 6, timesteps: 3, similarity: 'and', popcount: 'carry-tree', grayPe: { position: 'timestep-token', bits: 6, impl: 'rom' } },
    { seqLen: 12, dim: 13, popcount: 'xc7-chain', target: 'xc7' },
  ];
  it.each(small.map((c) => [JSON.stringify(c), c] as const))('%s', async (_label, config) => {
    await expectProved(grayFusedProof({ config }));
  });

  // The D values in every popcount architecture; similarity and the Gray variant rotate.
  const popcounts = ['loop', 'carry-tree', 'gpc63', 'xc7-chain'];
  const grays = [{ impl: 'logic' }, { position: 'timestep-token', bits: 10, impl: 'rom' }];
  const full: Record<string, unknown>[] = [];
  [1, 8, 32, 33, 64].forEach((dim, di) => {
    popcounts.forEach((popcount, pi) => {
      // xc7-chain instantiates LUT6_2 and CARRY4: the proof reads Yosys's models of them.
      const target = popcount === 'xc7-chain' ? { target: 'xc7' } : {};
      // Each architecture meets both similarities and both Gray variants across the D values.
      const similarity = (di + pi) % 2 ? 'and' : 'xnor';
      full.push({ seqLen: 12, timesteps: 3, dim, popcount, ...target, similarity, grayPe: grays[(di + (pi >> 1)) % 2] });
    });
  });
  // The hardest points (a counter or LUT tree against an adder chain over 64 + G bits) in the other similarity too.
  full.push({ seqLen: 12, timesteps: 3, dim: 64, popcount: 'gpc63', similarity: 'and', grayPe: grays[0] });
  full.push({ seqLen: 12, timesteps: 3, dim: 64, popcount: 'xc7-chain', target: 'xc7', similarity: 'xnor', grayPe: grays[0] });
  it.skipIf(!FULL).each(full.map((c) => [JSON.stringify(c), c] as const))(`%s${FULL_ONLY}`, async (_label, config) => {
    // Up to 25 minutes a proof: the slowest (xc7-chain, D = 64) takes 4 minutes beside one other proof.
    await expectProved(grayFusedProof({ config }), 1500);
  }, 1_800_000);

  it('says "unknown", not "proved", when the BDD outgrows its node limit', async () => {
    const r = await twoAtATime(() => prove({ ...grayFusedProof({ config: { seqLen: 12, dim: 13, popcount: 'gpc63' } }), satFirstSeconds: 0, bddNodeLimit: 100 }));
    expect(r.status).toBe('unknown');
    expect(r.counterexample).toBeNull();
  });

  // Default: SAT's first attempt finds it. BDDs only: ABC refutes, then SAT finds the counterexample.
  it.each([['SAT first', undefined], ['BDDs only', 0]] as const)('fails with a counterexample when the reference is off by one for one pair of positions (%s)', async (_how, satFirstSeconds) => {
    const task = grayFusedProof({ config: { seqLen: 12, dim: 8 }, breakAt: 5 });
    const r = await twoAtATime(() => prove(satFirstSeconds === undefined ? task : { ...task, satFirstSeconds }));
    expect(r.status).toBe('refuted');
    expect(r.log.includes('NOT EQUIVALENT')).toBe(satFirstSeconds === 0);
    expect([value(r, 'qp'), value(r, 'kp')]).toEqual(['5', '5']);
    expect(parseInt(value(r, 'gate_out')!, 16) - parseInt(value(r, 'gold_out')!, 16)).toBe(1);
  });

  it('the reference Gray codes (reflection) are the hand-written ones', () => {
    expect(reflectedGray(3)).toEqual([0, 1, 3, 2, 6, 7, 5, 4]);
  });
});

describe.concurrent('Log-PE `logic` lanes ≡ `distance-rom` lanes', () => {
  const small: Record<string, unknown>[] = [
    { seqLen: 1 },
    { seqLen: 2 },
    { seqLen: 5 },
    { seqLen: 12 },
    { seqLen: 16 },
    { seqLen: 13, lanes: 4 },
    { seqLen: 12, grid: { rows: 3, cols: 4 }, lanes: 5 },
    { seqLen: 4, grid: { rows: 1, cols: 4 } },
  ];
  it.each(small.map((c) => [JSON.stringify(c), c] as const))('%s', async (_label, config) => {
    const r = await expectProved(logPeLanesProof({ config }));
    expect(r.steps).toBe(1);
  });

  it.skipIf(!FULL)(`every N from 1 to 256, one lane${FULL_ONLY}`, async () => {
    const failed: string[] = [];
    await Promise.all(
      Array.from({ length: 256 }, (_, i) => i + 1).map(async (n) => {
        const r = await twoAtATime(() => prove(logPeLanesProof({ config: { seqLen: n }, name: `pf_lp${n}` })));
        if (r.status !== 'proved') failed.push(`N = ${n}: ${r.status}`);
      }),
    );
    expect(failed).toEqual([]);
  }, 3_600_000);

  const fullLanes: Record<string, unknown>[] = [
    { seqLen: 37, lanes: 3 },
    { seqLen: 168, lanes: 5 },
    { seqLen: 256, lanes: 7 },
    { seqLen: 49, grid: { rows: 7, cols: 7 }, lanes: 3 },
    { seqLen: 64, grid: { rows: 8, cols: 8 } },
    { seqLen: 256, grid: { rows: 16, cols: 16 }, lanes: 2 },
  ];
  it.skipIf(!FULL).each(fullLanes.map((c) => [JSON.stringify(c), c] as const))(`%s${FULL_ONLY}`, async (_label, config) => {
    await expectProved(logPeLanesProof({ config }));
  }, 1_800_000);

  it('fails with a counterexample when one distance-rom entry is wrong', async () => {
    // N = 12: entry 4 (distance 4) is bitlen(7) = 3; make it 2.
    const r = await twoAtATime(() => prove(logPeLanesProof({ config: { seqLen: 12 }, editRom: (m) => m.split('\n').map((w, a) => (a === 4 ? '2' : w)).join('\n') })));
    expect(r.status).toBe('refuted');
    const steps = [...new Set(r.counterexample!.map((v) => v.step))].filter((s) => s !== 'init');
    const last = steps[steps.length - 1]!;
    // The outputs differ, by the value of the broken entry: 3 (logic) against 2 (ROM).
    expect([value(r, 'gold_out', last), value(r, 'gate_out', last)]).toEqual(['3', '2']);
  });
});

describe('latency harness: a module ≡ a pipelined version of it (stalls included)', () => {
  /** The generated 20-pair XNOR popcount `<name>_popcount` (carry-tree) and its stage count. */
  const popcountOf = (name: string, popcountPipeline: number) => {
    const d = generateDesign(resolveConfig({ top: 'xnor_attention', name, seqLen: 4, dim: 20, popcount: 'carry-tree', popcountPipeline }, '.'));
    const files = d.files.filter((f) => new RegExp(`^${name}_(popcount|pc_)`).test(f.path));
    return { files, stages: (d.derived as { popcountStages: number }).popcountStages };
  };
  /** gold ≡ gate over every pair of 20-bit rows, the gate `gateLatency` clocks later, under a free stall. */
  const popcountProof = (title: string, files: GeneratedFile[], gold: string, gate: string, gateLatency: number, maxSteps?: number) =>
    latencyProof({
      title,
      files,
      inputs: [
        { name: 'a_i', width: 20 },
        { name: 'b_i', width: 20 },
      ],
      output: { port: 'count_o', width: 5 },
      gold: { module: gold, latency: 0 },
      gate: { module: gate, latency: gateLatency },
      enable: 'en_i',
      ...(maxSteps ? { maxSteps } : {}),
    });
  const pc = popcountOf('pf_pc', 0).files;
  /** The combinational popcount with its inputs and its output registered (latency 2), optionally a stage that ignores the stall. */
  const pipelined = (ignoreStall: boolean) => ({
    path: 'pf_pc_pipe.sv',
    kind: 'sv' as const,
    content: `module pf_pc_pipe (
  input  logic clk_i,
  input  logic en_i,
  input  logic [19:0] a_i,
  input  logic [19:0] b_i,
  output logic [4:0] count_o
);
  logic [19:0] a_q, b_q;
  logic [4:0] c, c_q;
  always_ff @(posedge clk_i) begin
    if (en_i) begin
      a_q <= a_i;
      b_q <= b_i;
    end
  end
  pf_pc_popcount u_count (.a_i(a_q), .b_i(b_q), .count_o(c));
  always_ff @(posedge clk_i) begin
    if (${ignoreStall ? "1'b1" : 'en_i'}) c_q <= c;
  end
  assign count_o = c_q;
endmodule
`,
  });
  const task = (ignoreStall: boolean, gateLatency = 2, maxSteps?: number) =>
    popcountProof(`popcount ≡ registered popcount (latency ${gateLatency})`, [...pc, pipelined(ignoreStall)], 'pf_pc_popcount', 'pf_pc_pipe', gateLatency, maxSteps);

  // The generator's own pipelined popcount (popcountPipeline), not a hand-made pipeline:
  // ≡ the same tree with no register stages, shifted by its stage count, stalls included.
  const comb = popcountOf('pf_pc0', 0);
  const piped = popcountOf('pf_pc2', 2);
  const generated = (gateLatency: number) =>
    popcountProof(`generated popcount, ${piped.stages} stages ≡ combinational (latency ${gateLatency})`, [...comb.files, ...piped.files], 'pf_pc0_popcount', 'pf_pc2_popcount', gateLatency);

  it('proves the generated pipelined popcount (popcountPipeline 2) equal to the combinational one shifted by its stages; a wrong latency is refuted', async () => {
    expect([comb.stages, piped.stages]).toEqual([0, 2]);
    await expectProved(generated(piped.stages));
    expect((await twoAtATime(() => prove(generated(piped.stages - 1)))).status).toBe('refuted');
  });

  it('proves the pipelined popcount equal to the combinational one shifted by its latency', async () => {
    const r = await expectProved(task(false));
    expect(r.steps).toBeGreaterThanOrEqual(2);
  });

  it('refutes a pipeline stage that ignores the stall, and a wrong latency', async () => {
    const stall = await twoAtATime(() => prove(task(true)));
    expect(stall.status).toBe('refuted');
    // The counterexample stalls at least once.
    expect(stall.counterexample!.some((v) => v.signal === 'en' && v.hex === '0')).toBe(true);
    expect((await twoAtATime(() => prove(task(false, 1)))).status).toBe('refuted');
  });

  it('says "unknown", not "proved", when induction does not close within the step limit', async () => {
    expect((await twoAtATime(() => prove(task(false, 2, 1)))).status).toBe('unknown');
  });
});
