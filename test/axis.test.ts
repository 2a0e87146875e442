/**
 * The AXI4-Stream wrapper (config `axis`, docs/integration.md): portable, bit-exact against
 * the golden model through the wrapper under back-pressure and random stalls (the block's
 * own cycle formula measured, so the wrapper adds no cycle), and a wrong input tlast raises
 * error_o, which stays up, while the design keeps moving beats.
 *
 * Default tier: one small design per block the issue names (xnor_attention, ssa_head),
 * each built once per simulator. The other blocks (tlast on every beat) in the full tier.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/base/rng.js';
import { buildDesignSim, cosimCompare } from '../src/cosim/cosim.js';
import { SIMULATORS, type Simulator } from '../src/cosim/simulators.js';
import type { BuiltSim, RunOutcome } from '../src/cosim/verilator.js';
import type { Design } from '../src/design/design.js';
import type { StreamBeats } from '../src/blocks/ports.js';
import { verifyDesign } from '../src/app/verify.js';
import { design, expectBitExact, expectPortable, mutate, traceDir } from './helpers/design.js';
import { FULL, FULL_ONLY } from './helpers/tier.js';

const XNOR = { top: 'xnor_attention', name: 'ax', seqLen: 4, dim: 8, timesteps: 2, lanes: 2, axis: true };
const SSA = { top: 'ssa_head', name: 'as', seqLen: 4, dim: 4, timesteps: 2, axis: true };

/** Runs `inputs` (the wrapper's beats, maybe with a tlast changed) through a built model. */
async function runBeats(d: Design, sim: Simulator, built: BuiltSim, inputs: StreamBeats, expected: Record<string, number>): Promise<RunOutcome> {
  return sim.run(built, d.block.ports(d.derived), inputs, expected, { seed: 7, pValid: 0.7, pReady: 0.6, maxCycles: 20_000, timeoutSeconds: 120 });
}

function cases(d: Design, n: number) {
  return d.block.harness.stimulus(d.derived, new Rng(3), n).map((c: { inputs: unknown }) => c.inputs);
}

/** A copy of a stream's beats with tlast (field 1) of beat `i` set to `v`. */
function withTlast(beats: StreamBeats, stream: string, i: number, v: bigint): StreamBeats {
  const copy = structuredClone(beats);
  expect(copy[stream]![i]![1]).toBe(v === 1n ? 0n : 1n);
  copy[stream]![i]![1] = v;
  return copy;
}

describe('AXI4-Stream wrapper: xnor_attention (N 4, D 8, T 2, 2 lanes)', () => {
  const d = design(XNOR);
  const builds = new Map<string, Promise<BuiltSim>>();
  const built = (sim: Simulator) => {
    if (!builds.has(sim.name)) builds.set(sim.name, buildDesignSim(d, sim));
    return builds.get(sim.name)!;
  };

  it('is the top: ports, filelist, core, manifest', () => {
    expect(d.topModule).toBe('ax_xnor_attention_axis');
    const manifest = JSON.parse(d.files.find((f) => f.path === 'manifest.json')!.content);
    expect(manifest.ports.inputs.map((s: { name: string; valid: string }) => s.valid)).toEqual(['k_tvalid', 'q_tvalid']);
    expect(manifest.ports.outputs[0].fields).toMatchObject([
      { port: 'score_tdata', width: 16 },
      { port: 'score_tlast', width: 1 },
    ]);
    expect(manifest.ports.flags.map((f: { port: string }) => f.port)).toEqual(['error_o']);
    expect(d.files.find((f) => f.path === 'ax.f')!.content.trim().split('\n').at(-1)).toBe('ax_xnor_attention_axis.sv');
    expect(d.files.find((f) => f.path === 'ax.core')!.content).toContain('toplevel: ax_xnor_attention_axis');
  });

  it('passes the portability gate (Verilator -Wall, Icarus, Yosys)', async () => {
    await expectPortable(d);
  });

  it('is bit-exact through the wrapper under Verilator and Icarus (full rate and random stalls; cycle formula holds)', async () => {
    const r = await expectBitExact(d, 4, 11);
    expect(r.runs.map((x) => x.label)).toEqual(['full-throughput', 'back-pressure']);
    expect(r.measuredCycles).toBe(r.expectedCycles);
    const ri = await verifyDesign(d, { vectors: 4, seed: 11, trace: false, traceDir: traceDir(), simulator: 'icarus' });
    expect(ri.cases).toBe(r.cases);
    expect(ri.measuredCycles).toBe(r.expectedCycles);
  });

  for (const sim of [SIMULATORS.verilator, SIMULATORS.icarus]) {
    it(`under ${sim.name}: an early tlast raises error_o, which stays up; the beats keep moving`, async () => {
      const cs = cases(d, 2);
      const inputs = d.block.harness.encode(d.derived, cs);
      const expected = d.block.harness.expectedBeats(d.derived, cs);
      const good = await runBeats(d, sim, await built(sim), inputs, expected);
      expect(good.status).toBe(0);
      expect(good.flags).toEqual({ error_o: [] });
      // Beat 1 of the first key frame claims to be the last of 4.
      const early = await runBeats(d, sim, await built(sim), withTlast(inputs, 'k', 1, 1n), expected);
      expect(early.status).toBe(0);
      expect(early.flags!['error_o']).toHaveLength(1);
      expect(early.flags!['error_o']![0]!.value).toBe(1n);
      expect(early.out['score']).toHaveLength(expected['score']!);
    });

    it(`under ${sim.name}: a missing tlast raises error_o; the wrapper drops to the next tlast and goes on`, async () => {
      const cs = cases(d, 2);
      const inputs = d.block.harness.encode(d.derived, cs);
      const expected = d.block.harness.expectedBeats(d.derived, cs);
      // The last query row of the first timestep comes without tlast: the next query frame
      // is dropped, so one timestep's scores (4 rows of 2 beats) never come.
      const run = await runBeats(d, sim, await built(sim), withTlast(inputs, 'q', 3, 0n), { score: expected['score']! - 8 });
      expect(run.status).toBe(0);
      expect(run.flags!['error_o']).toEqual([{ cycle: expect.any(Number), value: 1n }]);
      expect(run.out['score']).toHaveLength(expected['score']! - 8);
    });
  }

  it('a wrapper whose output tlast is wrong fails the co-simulation, naming tlast', async () => {
    const broken = mutate(d, 'ax_xnor_attention_axis.sv', (t) => t.replace('assign score_tlast_o = score_count_q == ScoreLast;', "assign score_tlast_o = score_count_q == '0;"));
    const cs = d.block.harness.stimulus(d.derived, new Rng(5), 1);
    const expected = cs.map((c: { inputs: unknown }) => d.block.vectors.outputs(d.derived, c.inputs, d.block.model(d.derived, c.inputs)));
    const check = await cosimCompare(broken, cs, expected, { seed: 1, pValid: 1, pReady: 1 }, undefined, SIMULATORS.icarus);
    expect(check.fault).toMatch(/stream score beat 0: tlast 1, expected 0/);
  });
});

describe('AXI4-Stream wrapper: ssa_head (N 4, D 4, T 2)', () => {
  const d = design(SSA);

  it('passes the portability gate and is bit-exact through the wrapper under Verilator and Icarus', async () => {
    expect(d.topModule).toBe('as_ssa_head_axis');
    await expectPortable(d);
    const r = await expectBitExact(d, 4, 12);
    expect(r.measuredCycles).toBe(r.expectedCycles);
    const ri = await verifyDesign(d, { vectors: 4, seed: 12, trace: false, traceDir: traceDir(), simulator: 'icarus' });
    expect(ri.cases).toBe(r.cases);
  });
});

describe('AXI4-Stream wrapper: blocks without timesteps (tlast on every beat)', () => {
  const configs = [
    { top: 'gray_rom', name: 'ag', seqLen: 8, axis: true },
    { top: 'logpe_bias', name: 'al', seqLen: 8, axis: true },
    { top: 'lif_array', name: 'af', neurons: 8, lanes: 2, timesteps: 3, axis: true },
  ];
  for (const cfg of configs) {
    it.runIf(FULL)(`${cfg.top}: portable and bit-exact through the wrapper${FULL ? '' : FULL_ONLY}`, async () => {
      const d = design(cfg);
      await expectPortable(d);
      const r = await expectBitExact(d, 4, 13);
      expect(r.measuredCycles).toBe(r.expectedCycles);
    });
  }
});
