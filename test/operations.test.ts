/**
 * Operations and energy per inference (docs/energy.md, src/estimate/operations.ts): the
 * counts per block against their definitions, the A·V count at measured spike rates against
 * a brute-force count over the vector file's V spikes, the energy against Σ count × pJ, and
 * the columns in `check`, `estimate`, `synth` (without tools: the result's builder) and
 * sweep outputs. In-process and without simulators or Yosys: seconds.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deriveDesign } from '../src/design/design.js';
import { resolveConfig } from '../src/io/config-file.js';
import { ADD32_PJ, ADD8_PJ, addPj, BIT_OP_PJ, LIF_ADDS_PER_UPDATE } from '../src/estimate/energy.js';
import { assumedRates, DEFAULT_SPIKE_RATE, measureRates, operationsPerSequence, type OperationsEstimate } from '../src/estimate/operations.js';
import { fileOperations } from '../src/app/check.js';
import { loadVectorFile, modelOutputs } from '../src/vectors/file.js';
import type { SsaDerived } from '../src/blocks/ssa_head/derive.js';
import type { BlockName } from '../src/base/config.js';
import { runMain } from './helpers/cli.js';

const ROOT = resolve(__dirname, '..');
const VECTORS = join(ROOT, 'test', 'fixtures', 'reference', 'vectors');
const tmp = mkdtempSync(join(tmpdir(), 'sf-ops-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = runMain;

function ops(raw: Record<string, unknown>, rate = DEFAULT_SPIKE_RATE): OperationsEstimate | null {
  const cfg = resolveConfig({ name: 'ops', ...raw }, ROOT);
  return operationsPerSequence(cfg.top, deriveDesign(cfg).derived, assumedRates(rate));
}

const count = (o: OperationsEstimate, kind: string) => o.counts.find((c) => c.kind === kind)?.count ?? 0;

describe('operations per sequence', () => {
  it('uses the published 45 nm figures: 8-bit add 0.03 pJ, 32-bit add 0.1 pJ, a bit of XNOR-popcount 0.03/8 pJ', () => {
    expect(addPj(8)).toBeCloseTo(ADD8_PJ, 12);
    expect(addPj(32)).toBeCloseTo(ADD32_PJ, 12);
    expect(addPj(4)).toBeCloseTo(0.015, 12);
    expect(addPj(20)).toBeCloseTo(0.03 + (12 * 0.07) / 24, 12);
    expect(BIT_OP_PJ).toBeCloseTo(0.00375, 12);
  });

  it('xnor_attention: D + G bit operations per score, a bias add per score with Log-PE, nothing that depends on data', () => {
    const n = 12;
    const t = 4;
    const plain = ops({ top: 'xnor_attention', seqLen: n, dim: 32, timesteps: t })!;
    expect(plain.counts.map((c) => c.kind)).toEqual(['bit']);
    expect(count(plain, 'bit')).toBe(t * n * n * 32);
    expect(plain.synapticOps).toBe(0);
    const both = ops({ top: 'xnor_attention', seqLen: n, dim: 32, timesteps: t, grayPe: { enabled: true }, logPe: { enabled: true } })!;
    expect(count(both, 'bit')).toBe(t * n * n * (32 + 4)); // G = clog2(12) = 4
    expect(count(both, 'add')).toBe(t * n * n);
    // The rate changes nothing here.
    expect(ops({ top: 'xnor_attention', seqLen: n, dim: 32, timesteps: t }, 0.9)!.energyPj).toBe(plain.energyPj);
    expect(both.energyPj).toBeCloseTo(both.counts.reduce((e, c) => e + c.count * c.pjEach, 0), 1);
  });

  it('ssa_head: the engine per head, N synaptic accumulates per V spike, one LIF update per neuron and step', () => {
    const cfg = { top: 'ssa_head', seqLen: 10, dim: 8, timesteps: 3, heads: 2, logPe: { enabled: true } };
    const o = ops(cfg, 0.25)!;
    const s = deriveDesign(resolveConfig({ name: 'ops', ...cfg }, ROOT)).derived as SsaDerived;
    expect(count(o, 'bit')).toBe(2 * 3 * 100 * 8);
    expect(count(o, 'sop')).toBe(2 * 3 * 10 * 10 * 8 * 0.25);
    expect(o.synapticOps).toBe(count(o, 'sop'));
    expect(count(o, 'add')).toBe(2 * 3 * 100);
    expect(count(o, 'update')).toBe(2 * 3 * 10 * 8);
    const update = o.counts.find((c) => c.kind === 'update')!;
    expect(update.width).toBe(s.lif.width);
    expect(update.pjEach).toBeCloseTo(LIF_ADDS_PER_UPDATE * addPj(s.lif.width), 3);
    expect(o.counts.find((c) => c.kind === 'sop')!.width).toBe(s.oWidth);
    // SOPs scale with the rate; the rest does not.
    const twice = ops(cfg, 0.5)!;
    expect(count(twice, 'sop')).toBe(2 * count(o, 'sop'));
    expect(twice.totalOps - o.totalOps).toBe(count(o, 'sop'));
    expect(o.ratesSource).toBe('assumed');
    expect(o.ratesNote).toMatch(/assumed V spike rate 0\.25 \(no data/);
  });

  it('lif_array: one update per neuron and timestep; position blocks have no arithmetic per inference', () => {
    const o = ops({ top: 'lif_array', neurons: 16, timesteps: 5 })!;
    expect(o.counts.map((c) => [c.kind, c.count])).toEqual([['update', 80]]);
    for (const top of ['gray_rom', 'logpe_bias'] as BlockName[]) expect(ops({ top, seqLen: 8 })).toBeNull();
  });

  it('counts the A·V accumulates of a vector file exactly: N per V spike, from the measured rate', () => {
    const vf = loadVectorFile(join(VECTORS, 'authors_ssa_log_n20_d16_t4_s7.json'));
    const s = vf.design.derived as SsaDerived;
    let vOnes = 0;
    for (const c of vf.cases) for (const step of (c.inputs as { v: bigint[][] }).v) for (const row of step) vOnes += row.toString(2).split('').filter((b) => b === '1').length;
    const exactPerSequence = (s.seqLen * vOnes) / vf.cases.length;
    const o = fileOperations(vf)!;
    expect(o.ratesSource).toBe('measured');
    expect(o.synapticOps).toBeCloseTo(exactPerSequence, 1);
    const rates = measureRates('ssa_head', s, vf.cases.map((c) => c.inputs), modelOutputs(vf));
    expect(Object.keys(rates).sort()).toEqual(['k', 'q', 'v', 'y']);
    expect(rates['v']).toBeCloseTo(vOnes / (vf.cases.length * s.timesteps * s.seqLen * s.width), 12);
    expect(o.rates.find((r) => r.name === 'v')!.used).toBe(true);
    expect(o.rates.find((r) => r.name === 'q')!.used).toBe(false);
  });

  it('all-zero V: no synaptic accumulates, and output spike rate 0 measured on the model', () => {
    const cfg = { top: 'ssa_head', name: 'z', seqLen: 4, dim: 4, timesteps: 2 };
    const rows = () => [['0', '0', '0', '0'], ['0', '0', '0', '0']];
    const file = join(tmp, 'zero.json');
    writeFileSync(file, JSON.stringify({ format: 'spikeforge.vectors.v1', config: cfg, cases: [{ name: 'z', inputs: { q: rows(), k: rows(), v: rows() } }] }));
    const o = fileOperations(loadVectorFile(file))!;
    expect(o.synapticOps).toBe(0);
    expect(o.rates.map((r) => [r.name, r.rate])).toEqual([['q', 0], ['k', 0], ['v', 0], ['y', 0]]);
  });
});

describe('operations in the reports', () => {
  it('`check` prints the operations at the measured rates, and says it is an estimate', async () => {
    const r = await run(['check', join(VECTORS, 'authors_ssa_graylog_n12_d32_t4_s7.json')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/spike rates measured on the 5 cases/);
    expect(r.out).toMatch(/v 0\.\d+ \(used\)/);
    expect(r.out).toMatch(/SOPs \(A·V\)/);
    expect(r.out).toMatch(/arithmetic energy ≈ [\d.,]+ pJ per sequence: an estimate .* not the energy of an FPGA/);
  });

  it('`estimate` reports them at the assumed rate (--spike-rate), in text and JSON', async () => {
    const cfg = join(ROOT, 'examples', 'demo_ssa_n12.json');
    const text = await run(['estimate', cfg]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/assumed V spike rate 0\.2 \(no data/);
    const a = JSON.parse((await run(['estimate', cfg, '--json'])).out) as { operations: OperationsEstimate };
    const b = JSON.parse((await run(['estimate', cfg, '--json', '--spike-rate', '0.4'])).out) as { operations: OperationsEstimate };
    expect(a.operations.ratesSource).toBe('assumed');
    expect(b.operations.synapticOps).toBeCloseTo(2 * a.operations.synapticOps, 6);
    const bad = await run(['estimate', cfg, '--spike-rate', '1.5']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/option --spike-rate: value "1.5" is not allowed; allowed: a number from 0 to 1/);
  });

  it('`synth` reports them beside the Yosys counts (JSON and text)', async () => {
    const cfg = join(tmp, 'xa-synth.json');
    writeFileSync(cfg, JSON.stringify({ top: 'xnor_attention', name: 'opsyn', seqLen: 3, dim: 4, logPe: { enabled: true } }));
    const out = join(tmp, 'opsyn');
    const r = await run(['synth', cfg, '--target', 'generic', '--json', '-o', out]);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { operations: OperationsEstimate; luts: number };
    expect(j.luts).toBeGreaterThan(0);
    expect(j.operations.counts.map((c) => [c.kind, c.count])).toEqual([['bit', 9 * 4], ['add', 9]]);
    const text = await run(['synth', cfg, '--target', 'generic', '-o', out]);
    expect(text.out).toMatch(/bias adds/);
    expect(text.out).toMatch(/arithmetic energy ≈ [\d.]+ pJ per sequence: an estimate/);
  }, 120_000);

  it('sweeps carry them in results.json, results.csv and report.html', async () => {
    const sweep = join(tmp, 'ops-sweep.json');
    writeFileSync(sweep, JSON.stringify({ name: 'ops', base: { top: 'ssa_head', name: 'sw', seqLen: 6, dim: 4, timesteps: 2 }, axes: { lanes: [1, 2] }, spikeRate: 0.3 }));
    const out = join(tmp, 'ops-out');
    const r = await run(['sweep', sweep, '--synth', 'none', '--jobs', '1', '-o', out]);
    expect(r.code).toBe(0);
    const res = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(res.sweep.spikeRate).toBe(0.3);
    const p0 = res.points[0];
    expect(p0.operations.ratesNote).toMatch(/assumed V spike rate 0\.3/);
    expect(p0.operations.synapticOps).toBeCloseTo(2 * 6 * 6 * 4 * 0.3, 6);
    const csv = readFileSync(join(out, 'results.csv'), 'utf8').trimEnd().split('\n').map((l) => l.split(','));
    const col = (name: string) => csv[0]!.indexOf(name);
    expect(col('energy_pj_per_seq')).toBeGreaterThan(0);
    expect(Number(csv[1]![col('energy_pj_per_seq')])).toBe(p0.operations.energyPj);
    expect(Number(csv[1]![col('sops_per_seq')])).toBe(p0.operations.synapticOps);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('>energy pJ/seq</th>');
    expect(html).toContain('>SOPs/seq</th>');
    expect(html).toMatch(/an <b>estimate<\/b> of the arithmetic, not a measurement/);
  });
});
