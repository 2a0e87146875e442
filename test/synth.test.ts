/**
 * `synth` and `estimate`: Yosys counts, nextpnr Fmax, time limits, the I/O shell, device
 * choice, and the estimator's contract. Small gray_rom designs keep this fast.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BLOCK_NAMES, TARGET_NAMES } from '../src/base/config.js';
import { blocks } from '../src/design/registry.js';
import { estimateConfig, resourceModelFor } from '../src/estimate/index.js';
import { fitRelative, nnls } from '../src/estimate/fit.js';
import { ice40Brams } from '../src/targets/ice40.js';
import { resolveConfig } from '../src/io/config-file.js';
import { pickDevice } from '../src/tools/nextpnr.js';
import { pnrWrapper, portsOf } from '../src/tools/pnr-shell.js';
import { cli } from './helpers/cli.js';
import { design } from './helpers/design.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'sf-synth-'));

function writeConfig(dir: string, cfg: Record<string, unknown>): string {
  const path = join(dir, 'cfg.json');
  writeFileSync(path, JSON.stringify(cfg));
  return path;
}

describe('spikeforge synth', () => {
  it('reports iCE40 cell counts and Fmax as JSON, and writes synth-ice40.json into the design folder', async () => {
    const dir = tmp();
    const cfg = writeConfig(dir, { top: 'gray_rom', name: 'sy', seqLen: 40 });
    const r = await cli(['synth', cfg, '--pnr', '--json', '-o', join(dir, 'rtl')]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.format).toBe('spikeforge.synth.v1');
    expect(j.design).toMatchObject({ name: 'sy', top: 'gray_rom', topModule: 'sy_gray_rom' });
    expect(j.target).toBe('ice40');
    expect(j.tools.yosys).toMatch(/^Yosys 0\.\d+/);
    expect(j.tools.nextpnr).toMatch(/nextpnr/);
    // 40 positions: a 6-bit index, six code bits registered, plus the valid flag.
    expect(j.luts).toBe(j.cells.SB_LUT4);
    expect(j.luts).toBeGreaterThan(0);
    expect(j.ffs).toBe(7);
    expect(j.carries).toBe(0);
    expect(j.brams).toBe(0);
    expect(j.depth).toBeNull();
    expect(j.pnr).toMatchObject({ status: 'ok', device: 'hx8k', package: 'ct256', seed: 1, lcsAvailable: 7680 });
    expect(j.pnr.fmaxMHz).toBeGreaterThan(50);
    // The five-pin shell adds a flip-flop per port bit: 1 + 6 + 1 in, 1 + 1 + 6 out.
    expect(j.pnr.shellFfs).toBe(16);
    expect(j.pnr.lcs).toBeGreaterThanOrEqual(j.luts);
    expect(j.estimate).toMatchObject({ itemsPerCycle: 1, item: 'codes' });
    expect(typeof j.estimateErrorPct.luts).toBe('number');
    const written = JSON.parse(readFileSync(join(dir, 'rtl', 'synth-ice40.json'), 'utf8'));
    expect(written).toEqual(j);
    expect(existsSync(join(dir, 'rtl', 'manifest.json'))).toBe(true);

    // A second target adds its own file and keeps the first (same design, folder kept).
    const g = await cli(['synth', cfg, '--target', 'generic', '-o', join(dir, 'rtl')]);
    expect(g.exitCode).toBe(0);
    expect(g.stdout).toMatch(/LUT6\s+\d+/);
    expect(g.stdout).toMatch(/LUT6 depth\s+\d+/);
    const gj = JSON.parse(readFileSync(join(dir, 'rtl', 'synth-generic.json'), 'utf8'));
    expect(gj.depth).toBeGreaterThanOrEqual(1);
    expect(gj.pnr).toBeNull();
    expect(existsSync(join(dir, 'rtl', 'synth-ice40.json'))).toBe(true);
  });

  it('stops a tool run at its time limit: exit 3 naming the tool and the limit', async () => {
    const dir = tmp();
    const cfg = writeConfig(dir, { top: 'gray_rom', name: 'slow', seqLen: 4096, grayPe: { impl: 'rom' } });
    const r = await cli(['synth', cfg, '--timeout', '0.05', '-o', join(dir, 'rtl')]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/SF_TOOL_TIMEOUT.*yosys did not finish .* within 0\.05 s/);
    expect(existsSync(join(dir, 'rtl', 'synth-ice40.json'))).toBe(false);
  });

  it('rejects bad options with exit 2', async () => {
    const dir = tmp();
    const cfg = writeConfig(dir, { top: 'gray_rom', name: 'bad', seqLen: 4 });
    expect((await cli(['synth', cfg, '--target', 'xc7'])).exitCode).toBe(2);
    const pnr = await cli(['synth', cfg, '--target', 'generic', '--pnr']);
    expect(pnr.exitCode).toBe(2);
    expect(pnr.stderr).toMatch(/--pnr.*needs --target ice40/);
    const t = await cli(['synth', cfg, '--timeout', '-1']);
    expect(t.exitCode).toBe(2);
  });
});

describe('place-and-route shell and device choice', () => {
  it('drives every input from the shift register and observes every output', () => {
    const d = design({ top: 'gray_rom', name: 'w', seqLen: 12 });
    const spec = d.block.ports(d.derived);
    const { inputs, outputs } = portsOf(spec);
    expect(inputs.map((p) => p.port)).toEqual(['pos_valid_i', 'pos_i', 'code_ready_i']);
    expect(outputs.map((p) => p.port)).toEqual(['pos_ready_o', 'code_valid_o', 'code_o']);
    const w = pnrWrapper(spec);
    expect(w.inputBits).toBe(1 + 4 + 1);
    expect(w.outputBits).toBe(1 + 1 + 4);
    expect(w.file.content).toContain('.pos_i(in_q[4:1])');
    expect(w.file.content).toContain('.code_o(out_d[5:2])');
  });

  it('picks the smallest device that fits with "auto", and says when nothing fits', () => {
    expect(pickDevice('auto', { luts: 900, ffs: 300, carries: 0, brams: 2 }).device.name).toBe('hx1k');
    expect(pickDevice('auto', { luts: 3000, ffs: 300, carries: 0, brams: 2 }).device.name).toBe('up5k');
    const big = pickDevice('auto', { luts: 9000, ffs: 100, carries: 0, brams: 0 });
    expect(big.fits).toBe(false);
    expect(big.why).toMatch(/does not fit any supported iCE40 device.*9000 logic cells.*hx8k has 7680/);
    const fixed = pickDevice('hx1k', { luts: 100, ffs: 100, carries: 0, brams: 20 });
    expect(fixed.fits).toBe(false);
    expect(fixed.why).toMatch(/does not fit the hx1k.*20 block RAMs/);
  });

  it('counts SPRAM: a design that needs SB_SPRAM256KA fits only the UP5K', () => {
    expect(pickDevice('auto', { luts: 900, ffs: 300, carries: 0, brams: 2, sprams: 2 }).device.name).toBe('up5k');
    const hx = pickDevice('hx8k', { luts: 900, ffs: 300, carries: 0, brams: 2, sprams: 1 });
    expect(hx.fits).toBe(false);
    expect(hx.why).toMatch(/does not fit the hx8k.*1 SPRAMs.*hx8k has .* 0 SPRAMs/);
    expect(pickDevice('auto', { luts: 900, ffs: 300, carries: 0, brams: 2, sprams: 5 }).fits).toBe(false);
  });

  it('synth --device up5k runs synth_ice40 -device u -spram and counts the SPRAMs; --device auto picks the UP5K for them', async () => {
    const dir = tmp();
    const cfg = writeConfig(dir, { top: 'lif_array', name: 'sp', neurons: 8, lanes: 2, timesteps: 3, fold: { membranes: 'memory', memory: 'spram' }, lif: { inputWidth: 6 } });
    for (const device of ['up5k', 'auto']) {
      const r = await cli(['synth', cfg, '--device', device, '--json', '-o', join(dir, `rtl-${device}`)]);
      expect(r.exitCode, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j).toMatchObject({ device: 'up5k', yosysFlags: '-device u -spram', sprams: 2 });
      expect(j.cells.SB_SPRAM256KA).toBe(2);
      expect(j.estimate.sprams).toBe(2);
    }
  });
});

describe('estimator', () => {
  it('has a resource model for every registered block, keyed by block name', () => {
    for (const name of BLOCK_NAMES) {
      expect(blocks[name].resources.block).toBe(name);
      expect(resourceModelFor(name).block).toBe(name);
    }
    // Every block gets an estimate for each of its calibration configs.
    for (const name of BLOCK_NAMES) {
      for (const raw of resourceModelFor(name).calibrationSet()) {
        for (const target of TARGET_NAMES) {
          const e = estimateConfig(resolveConfig({ name: 'e', ...raw }, '.'), target);
          expect(e.luts + e.ffs).toBeGreaterThan(0);
          expect(e.rate.itemsPerCycle).toBeGreaterThan(0);
        }
      }
    }
  });

  it('estimates from derived parameters in milliseconds, with a term breakdown', async () => {
    const cfg = resolveConfig({ top: 'gray_rom', name: 'e', seqLen: 1000, grayPe: { impl: 'rom' } }, '.');
    const t0 = performance.now();
    const e = estimateConfig(cfg, 'ice40');
    expect(performance.now() - t0).toBeLessThan(200);
    expect(e.brams).toBe(ice40Brams(1024, 10));
    expect(e.memoryBits).toBe(1024 * 10);
    expect(e.terms.find((t) => t.name === 'bram_tiles')!.value).toBe(3);
    const dir = tmp();
    const r = await cli(['estimate', writeConfig(dir, { top: 'gray_rom', name: 'e', seqLen: 168 }), '--json']);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ block: 'gray_rom', target: 'ice40', rate: { itemsPerCycle: 1, item: 'codes' } });
    expect(j.terms.length).toBeGreaterThan(0);
  });

  it('fits non-negative coefficients that recover a known model', () => {
    const a = [
      [1, 0, 2],
      [2, 1, 0],
      [3, 1, 1],
      [5, 2, 4],
      [1, 3, 1],
    ];
    const truth = [1.5, 0, 2];
    const y = a.map((row) => row.reduce((s, v, i) => s + v * truth[i]!, 0));
    const x = nnls(a, y);
    x.forEach((v, i) => expect(v).toBeCloseTo(truth[i]!, 6));
    // A negative least-squares solution is clamped at zero.
    expect(nnls([[1], [1]], [-1, -2])).toEqual([0]);
    expect(fitRelative(a, y).every((v) => v >= 0)).toBe(true);
  });

  it('counts iCE40 block RAM tiles like the mapper (256×16 … 2048×2)', () => {
    expect(ice40Brams(256, 8)).toBe(1);
    expect(ice40Brams(1024, 10)).toBe(3);
    expect(ice40Brams(4096, 12)).toBe(12);
    expect(ice40Brams(2048, 11)).toBe(6);
  });
});
