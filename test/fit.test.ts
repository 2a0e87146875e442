/**
 * Automatic folding (src/app/fit.ts, docs/fpga.md): `fold: "auto"` and `--fit DEVICE
 * [--rate N]` pick the smallest fold that fits a device by the calibrated estimate, or the
 * cheapest one that reaches a rate; bad requests exit 2 naming the key, the value and what
 * is allowed. Estimates only (no tools): milliseconds to seconds. Place-and-route proves the
 * chosen folds in bench/fpga.ts (docs/fpga.md), never in a timed test.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitFold, resolveFold, FIT_MARGIN } from '../src/app/fit.js';
import { loadConfigFile, resolveConfig } from '../src/io/config-file.js';
import { ICE40_DEVICES } from '../src/targets/ice40.js';
import { runMain } from './helpers/cli.js';

const ROOT = resolve(__dirname, '..');
const preset = (name: string) => loadConfigFile(join(ROOT, 'examples', `${name}.json`));

const run = runMain;

describe('fitFold', () => {
  it('picks the smallest fold that fits the device, by the estimate with margin', () => {
    const { config, report } = fitFold(preset('ts_n12_gray'), { device: 'up5k', sequencesPerSecond: null, clockMHz: null });
    const up5k = ICE40_DEVICES.find((d) => d.name === 'up5k')!;
    expect(report.chosen.fits).toBe(true);
    expect(report.chosen.estimate.logicCells).toBeLessThanOrEqual(FIT_MARGIN * up5k.lcs);
    expect(report.chosen.estimate.brams).toBeLessThanOrEqual(up5k.brams);
    expect(config.fold).toEqual(report.chosen.fold);
    expect(config.lanes).toBe(report.chosen.lanes);
    // Nothing that fits is smaller.
    expect(report.fitting).toBeGreaterThan(1);
    expect(report.summary).toMatch(/^fit up5k: the smallest fold that fits/);
  });

  it('with a rate, picks the cheapest fold that reaches it; a higher rate never costs less', () => {
    const cfg = preset('ts_n12_gray');
    const slow = fitFold(cfg, { device: 'hx8k', sequencesPerSecond: null, clockMHz: 20 }).report.chosen;
    const rate = Math.ceil(slow.sequencesPerSecond * 3);
    const fast = fitFold(cfg, { device: 'hx8k', sequencesPerSecond: rate, clockMHz: 20 }).report.chosen;
    expect(fast.sequencesPerSecond).toBeGreaterThanOrEqual(rate);
    expect(fast.estimate.logicCells).toBeGreaterThanOrEqual(slow.estimate.logicCells);
  });

  it('the N = 168 preset fits the UP5K with its membranes in SPRAM', () => {
    const { report } = fitFold(preset('ts_n168_log'), { device: 'up5k', sequencesPerSecond: null, clockMHz: null });
    expect(report.chosen.fold.membranes).toBe('memory');
    expect(report.chosen.estimate.sprams).toBeGreaterThan(0);
  });

  it('refuses a device that is too small, and a rate out of reach: key, value, what is allowed', () => {
    expect(() => fitFold(preset('ts_n168_log'), { device: 'hx1k', sequencesPerSecond: null, clockMHz: null })).toThrow(
      /config key "--fit": value "hx1k" is not allowed; allowed: a device on which some fold of this design fits \(hx1k \(1280 logic cells, 16 block RAMs, 0 SPRAMs\): the smallest fold .* needs about \d+ logic cells/,
    );
    expect(() => fitFold(preset('ts_n12_gray'), { device: 'up5k', sequencesPerSecond: 1e9, clockMHz: null })).toThrow(/config key "--rate": value 1000000000 .*the fastest fold that fits .* reaches \d+ sequences\/s/);
    expect(() => fitFold(preset('ts_n12_gray'), { device: 'xc7a35t', sequencesPerSecond: null, clockMHz: null })).toThrow(/"--fit": value "xc7a35t" .*allowed: one of auto, hx1k, up5k, hx8k/);
  });

  it('"fold": "auto" in a config is resolved (HX8K unless --fit says otherwise); a concrete fold is left alone', () => {
    const cfg = resolveConfig({ ...preset('ts_n12_log'), logPe: { enabled: true, mode: 'paper', table: null }, fold: 'auto' }, '.');
    const r = resolveFold(cfg, {});
    expect(r.report?.device).toBe('hx8k');
    expect(r.config.fold).not.toBe('auto');
    const fixed = preset('ts_n12_log');
    expect(resolveFold(fixed, {}).config).toBe(fixed);
  });
});

describe('the CLI: --fit, --rate, "fold": "auto"', () => {
  it('generate --fit writes the chosen fold into the manifest and says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-fit-'));
    const r = await run(['generate', join(ROOT, 'examples/ts_n12_gray.json'), '--fit', 'up5k', '-o', dir]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/fit up5k: the smallest fold that fits/);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(m.config.fold.membranes).toBe('memory');
    expect(m.derived.engines).toBeGreaterThanOrEqual(1);
  });

  it('exit 2 for an unreachable rate, for --rate without a fit, and for "auto" outside the folding blocks', async () => {
    expect((await run(['estimate', join(ROOT, 'examples/ts_n12_gray.json'), '--fit', 'hx1k', '--rate', '1e9'])).code).toBe(2);
    const noFit = await run(['estimate', join(ROOT, 'examples/ts_n12_gray.json'), '--rate', '100']);
    expect(noFit.code).toBe(2);
    expect(noFit.err).toMatch(/"--rate": value 100 .*only with --fit DEVICE/);
    const dir = mkdtempSync(join(tmpdir(), 'sf-fit-'));
    const cfg = join(dir, 'xa.json');
    writeFileSync(cfg, JSON.stringify({ top: 'xnor_attention', name: 'xa', seqLen: 8, dim: 8, fold: 'auto' }));
    const xa = await run(['generate', cfg, '--fit', 'hx8k', '-o', join(dir, 'out')]);
    expect(xa.code).toBe(2);
    expect(xa.err).toMatch(/"fold": value "auto" .*only with top "ssa_head" or "lif_array"/);
    // Without --fit, a top that does not fold ignores the key.
    expect((await run(['generate', cfg, '-o', join(dir, 'out2')])).code).toBe(0);
  });
});
