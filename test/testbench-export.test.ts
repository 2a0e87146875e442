/**
 * The testbench as a deliverable (`generate --testbench`, src/design/testbench.ts): the
 * exported bench runs with plain iverilog/vvp (default tier) or verilator (full tier) in a
 * temporary folder, passes, and fails when one expected value is flipped. The expected
 * files come from harness.outputBeats(), which must be decode()'s exact inverse for every
 * block (checked in-process, no tools).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/base/rng.js';
import { design } from './helpers/design.js';
import { runMain } from './helpers/cli.js';
import { FULL, FULL_ONLY } from './helpers/tier.js';

const ROUND_TRIP: Record<string, unknown>[] = [
  { top: 'gray_rom', name: 'rg', seqLen: 8 },
  { top: 'logpe_bias', name: 'rl', seqLen: 8 },
  { top: 'xnor_attention', name: 'rx', seqLen: 5, dim: 8, timesteps: 2, lanes: 2 },
  { top: 'lif_array', name: 'rf', neurons: 8, lanes: 2, timesteps: 3 },
  { top: 'ssa_head', name: 'rs', seqLen: 4, dim: 4, timesteps: 2, heads: 4, fold: { headsPerEngine: 2 } },
  { top: 'xnor_attention', name: 'rax', seqLen: 5, dim: 8, timesteps: 2, lanes: 2, axis: true },
];

describe('harness.outputBeats: the golden model as output beats', () => {
  for (const cfg of ROUND_TRIP) {
    it(`${cfg['top']}${cfg['axis'] ? ' with axis' : ''}: decode(outputBeats(model)) is the model's output`, () => {
      const d = design(cfg);
      const h = d.block.harness;
      const inputs = h.stimulus(d.derived, new Rng(2), 3).map((c: { inputs: unknown }) => c.inputs);
      const outputs = inputs.map((i: unknown) => d.block.model(d.derived, i));
      const beats = h.outputBeats(d.derived, inputs, outputs);
      const counts = h.expectedBeats(d.derived, inputs);
      for (const [s, n] of Object.entries(counts)) expect(beats[s], s).toHaveLength(n);
      expect(h.fault?.(d.derived, inputs, beats) ?? null).toBeNull();
      const back = h.decode(d.derived, inputs, beats);
      inputs.forEach((i: unknown, c: number) => {
        const want = d.block.vectors.outputs(d.derived, i, outputs[c]);
        const got = d.block.vectors.outputs(d.derived, i, back[c]);
        for (const k of d.block.vectors.modelOnly ?? []) delete want[k];
        for (const k of d.block.vectors.modelOnly ?? []) delete got[k];
        expect(got).toEqual(want);
      });
    });
  }
});

async function exported(cfg: Record<string, unknown>, cases: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sf-tb-'));
  writeFileSync(join(dir, 'cfg.json'), JSON.stringify(cfg));
  const r = await runMain(['generate', join(dir, 'cfg.json'), '-o', join(dir, 'rtl'), '--testbench', String(cases)]);
  expect(r.code, r.err).toBe(0);
  return join(dir, 'rtl');
}

/** Runs the exported script from another folder, with nothing of spikeforge on the way. */
async function runBench(rtl: string, sim: 'icarus' | 'verilator') {
  return execa('sh', [join(rtl, 'testbench', 'run.sh'), sim], { cwd: tmpdir(), reject: false, env: { WORK: join(rtl, '..', `work-${sim}`) } });
}

/** The expected file with the last hex digit of its first line flipped. */
function flipExpected(rtl: string, stream: string): void {
  const path = join(rtl, 'testbench', `expect_${stream}.txt`);
  const text = readFileSync(path, 'utf8');
  const nl = text.indexOf('\n');
  const digit = text[nl - 1]!;
  writeFileSync(path, text.slice(0, nl - 1) + (digit === '0' ? '1' : '0') + text.slice(nl));
}

describe('generate --testbench: the exported bench with plain tools', () => {
  const XNOR = { top: 'xnor_attention', name: 'tbx', seqLen: 4, dim: 8, timesteps: 2, lanes: 2, axis: true };

  it('writes the same bytes twice and lists every file in the manifest', async () => {
    const a = await exported(XNOR, 2);
    const b = await exported(XNOR, 2);
    const manifest = JSON.parse(readFileSync(join(a, 'manifest.json'), 'utf8'));
    const tb = (manifest.files as { path: string }[]).map((f) => f.path).filter((p) => p.startsWith('testbench/'));
    expect(tb.sort()).toEqual(['testbench/README.md', 'testbench/expect_score.txt', 'testbench/in_k.txt', 'testbench/in_q.txt', 'testbench/run.sh', 'testbench/tb.cpp', 'testbench/tb.sv']);
    for (const p of tb) expect(readFileSync(join(b, p), 'utf8')).toBe(readFileSync(join(a, p), 'utf8'));
    expect(manifest.testbench).toEqual({ cases: 2, seed: 1 });
  });

  it('never overwrites a testbench file it did not write; a regeneration without --testbench removes only its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-tb-'));
    const cfg = join(dir, 'cfg.json');
    writeFileSync(cfg, JSON.stringify(XNOR));
    const rtl = join(dir, 'rtl');
    expect((await runMain(['generate', cfg, '-o', rtl])).code).toBe(0);
    mkdirSync(join(rtl, 'testbench'));
    writeFileSync(join(rtl, 'testbench', 'tb.sv'), 'mine\n');
    const refused = await runMain(['generate', cfg, '-o', rtl, '--testbench', '1']);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/refusing to overwrite testbench\/tb\.sv/);
    expect(readFileSync(join(rtl, 'testbench', 'tb.sv'), 'utf8')).toBe('mine\n');
    rmSync(join(rtl, 'testbench', 'tb.sv'));
    expect((await runMain(['generate', cfg, '-o', rtl, '--testbench', '1'])).code).toBe(0);
    writeFileSync(join(rtl, 'testbench', 'notes.txt'), 'mine\n');
    const again = await runMain(['generate', cfg, '-o', rtl]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/7 removed/);
    expect(readdirSync(join(rtl, 'testbench'))).toEqual(['notes.txt']);
  });

  for (const sim of ['icarus', 'verilator'] as const) {
    const run = sim === 'icarus' || FULL;
    it.runIf(run)(`${sim}: passes, and fails when one expected value is flipped${run ? '' : FULL_ONLY}`, async () => {
      const rtl = await exported(XNOR, 2);
      const ok = await runBench(rtl, sim);
      expect(ok.exitCode, `${ok.stdout}\n${ok.stderr}`).toBe(0);
      expect(ok.stdout).toMatch(new RegExp(`PASS: 7 cases, every output beat equal to the golden model's \\(${sim}\\)`));
      flipExpected(rtl, 'score');
      const bad = await runBench(rtl, sim);
      expect(bad.exitCode).toBe(1);
      expect(bad.stdout).toMatch(/FAIL: stream score differs from the golden model/);
    });
  }
});
