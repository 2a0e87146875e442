/**
 * Waveforms of failing runs keep a window around the failure (src/cosim/cosim.ts,
 * traceWindow), so a long run does not write gigabytes: where the window is placed, and
 * that both harnesses dump only the cycles inside it.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/base/rng.js';
import { simulate, traceWindow, TRACE_BEFORE_FAULT, type CosimCheck } from '../src/cosim/cosim.js';
import { SIMULATORS } from '../src/cosim/simulators.js';
import { design, mutate, expectBitExact, traceDir } from './helpers/design.js';
import { inProcess } from './helpers/cli.js';
import { verifyDesign } from '../src/app/verify.js';
import { VERILATOR_FST } from '../src/cosim/verilator.js';

const engine = design({ top: 'xnor_attention', name: 'wv', seqLen: 6, dim: 8, timesteps: 2, lanes: 2 });
const cases = engine.block.harness.stimulus(engine.derived, new Rng(1), 60);

/** A check as cosimCompare returns it, with every score beat 10 cycles after the previous one. */
function fakeCheck(over: Partial<CosimCheck>): CosimCheck {
  const beats = engine.block.harness.expectedBeats(engine.derived, cases.map((c) => c.inputs));
  const outCycles = Object.fromEntries(Object.entries(beats).map(([s, n]) => [s, Array.from({ length: n }, (_, i) => 10 * i)]));
  return {
    settings: { seed: 1, pValid: 1, pReady: 1 },
    run: { status: 0, message: '', out: {}, outCycles, cycles: 0, seconds: 0 },
    build: {} as CosimCheck['build'],
    mismatch: null,
    fault: null,
    simulator: 'verilator',
    ...over,
  };
}

describe('the waveform of a failing run', () => {
  it('keeps the failing case (and its inputs before it) for a mismatch, the cycles before the fault otherwise', () => {
    const perCase = engine.block.harness.expectedBeats(engine.derived, [cases[0]!.inputs])['score']!;
    const k = 40;
    const w = traceWindow(engine, cases, fakeCheck({ mismatch: { caseName: cases[k]!.name, mismatch: { key: 'scores', index: [0, 0, 0], expected: 1, got: 2 } } }))!;
    const first = 10 * perCase * k;
    const last = 10 * (perCase * (k + 1) - 1);
    expect(w.to).toBe(last + 16);
    expect(w.from).toBe(first - (last - first) - 64);
    // A fault at a named cycle: the cycles before it.
    const f = traceWindow(engine, cases, fakeCheck({ fault: 'assertion failed', run: { ...fakeCheck({}).run, message: 'harness: an assertion of the design failed at cycle 50000' } }))!;
    expect(f).toEqual({ from: 50000 - TRACE_BEFORE_FAULT, to: 50002 });
    // A short run near the start is traced whole.
    expect(traceWindow(engine, cases, fakeCheck({ fault: 'x', run: { ...fakeCheck({}).run, message: 'stalled beat at cycle 40' } }))).toBeNull();
  });

  it.each(['verilator', 'icarus'] as const)('holds only the window\'s cycles under %s', async (sim) => {
    const dir = traceDir();
    const tracePath = join(dir, `w_${sim}.vcd`);
    await simulate(engine, cases.slice(0, 20).map((c) => c.inputs), { seed: 1, pValid: 1, pReady: 1, tracePath, traceWindow: { from: 100, to: 150 } }, undefined, SIMULATORS[sim]);
    const times = [...readFileSync(tracePath, 'utf8').matchAll(/^#(\d+)$/gm)].map((m) => Number(m[1]));
    const whole = join(dir, `whole_${sim}.vcd`);
    await simulate(engine, cases.slice(0, 20).map((c) => c.inputs), { seed: 1, pValid: 1, pReady: 1, tracePath: whole }, undefined, SIMULATORS[sim]);
    const all = [...readFileSync(whole, 'utf8').matchAll(/^#(\d+)$/gm)].map((m) => Number(m[1]));
    // Far fewer time steps than the whole run, all from the middle of it.
    expect(times.length).toBeGreaterThan(20);
    expect(times.length).toBeLessThan(all.length / 3);
    expect(Math.min(...times)).toBeGreaterThan(Math.min(...all));
    expect(Math.max(...times)).toBeLessThan(Math.max(...all));
  });

  it('a short failing run keeps its whole waveform (nothing to cut), and says where it is', async () => {
    const broken = mutate(engine, 'wv_pc_pairs.sv', (sv) => sv.replace('assign match[p] = ~(a_i[p] ^ b_i[p]);', 'assign match[p] = ~(a_i[p] | b_i[p]);'));
    const err = await expectBitExact(broken, 4, 1, { failureWaveform: true }).then(
      () => null,
      (e: Error) => e.message,
    );
    expect(err).toMatch(/waveform: \S+\.vcd$/m);
    expect(err).not.toMatch(/around the failure/);
  });
});

describe('FST waveforms (verify --fst)', () => {
  it('writes an FST (binary, smaller than the VCD of the same run), and a failing run\'s waveform is FST too', async () => {
    const dir = traceDir();
    const cfg = join(dir, 'f.json');
    writeFileSync(cfg, JSON.stringify({ top: 'xnor_attention', name: 'wf', seqLen: 5, dim: 4, timesteps: 2, lanes: 2 }));
    const fst = await inProcess(['verify', cfg, '-o', join(dir, 'rtl'), '-n', '2', '--trace', '--fst']);
    expect(fst.exitCode, fst.stderr).toBe(0);
    const fstPath = /^waveform: (\S+\.fst)$/m.exec(fst.stdout)![1]!;
    const vcd = await inProcess(['verify', cfg, '-o', join(dir, 'rtl'), '-n', '2', '--trace']);
    const vcdPath = /^waveform: (\S+\.vcd)$/m.exec(vcd.stdout)![1]!;
    const f = readFileSync(fstPath);
    expect(f.subarray(0, 64).toString('latin1')).not.toMatch(/\$date|\$timescale/);
    expect(f.length).toBeLessThan(statSync(vcdPath).size);
    // A failing run under --fst keeps its waveform as FST.
    const broken = await simulateBrokenFst();
    expect(broken).toMatch(/waveform: \S+\.fst/);
  });
});

async function simulateBrokenFst(): Promise<string> {
  const d = mutate(engine, 'wv_pc_pairs.sv', (sv) => sv.replace('assign match[p] = ~(a_i[p] ^ b_i[p]);', 'assign match[p] = ~(a_i[p] | b_i[p]);'));
  return verifyDesign(d, { vectors: 2, seed: 1, trace: false, traceDir: traceDir(), simulatorImpl: VERILATOR_FST }).then(
    () => 'passed',
    (e: Error) => e.message,
  );
}
