import { describe, expect, it } from 'vitest';
import { attentionTimesV, ssaHeadModel } from '../src/blocks/ssa_head/model.js';
import { deriveSsa } from '../src/blocks/ssa_head/derive.js';
import { resolveConfig } from '../src/io/config-file.js';
import { Rng } from '../src/base/rng.js';
import { design, expectBitExact, expectPortable, mutate } from './helpers/design.js';

const base = {
  top: 'ssa_head',
  seqLen: 6,
  dim: 5,
  timesteps: 3,
  lanes: 2,
  grayPe: { enabled: true },
  logPe: { enabled: true },
  scale: 0.125,
} as const;

describe('ssa_head golden model (SPEC §6)', () => {
  it('A·V adds the scores of the keys whose v bit is set', () => {
    expect(attentionTimesV([[3, 5, 7]], [0b01n, 0b11n, 0b10n], 2)).toEqual([[3 + 5, 5 + 7]]);
  });

  it('splits heads: head h sees bits [h·D, (h+1)·D) and its spikes land there', () => {
    const cfg = (heads: number) => deriveSsa(resolveConfig({ ...base, name: 'm', heads }, '.'));
    const one = cfg(1);
    const two = cfg(2);
    const rng = new Rng(5);
    const rows = () => Array.from({ length: 3 }, () => Array.from({ length: 6 }, () => rng.bits(5, 0.5)));
    const a = { q: rows(), k: rows(), v: rows() };
    const b = { q: rows(), k: rows(), v: rows() };
    const join = (x: bigint[][], y: bigint[][]) => x.map((r, t) => r.map((v, i) => v | (y[t]![i]! << 5n)));
    const both = ssaHeadModel(two, { q: join(a.q, b.q), k: join(a.k, b.k), v: join(a.v, b.v) });
    expect(both.spikes).toEqual(join(ssaHeadModel(one, a).spikes, ssaHeadModel(one, b).spikes));
  });

  it('folds the scale into the threshold (θ/scale) and sizes O for N·S_max', () => {
    const s = deriveSsa(resolveConfig({ ...base, name: 'w' }, '.'));
    expect(s.lif.threshold).toBe(4);
    expect(s.oMax).toBe(6 * s.xnor.maxScore);
  });
});

describe('ssa_head RTL: co-simulation, cycles and portability', () => {
  const variants: [string, Record<string, unknown>][] = [
    ['Gray-PE + Log-PE, lanes 2', {}],
    ['one lane, soft reset, AND similarity, no PEs', { lanes: 1, similarity: 'and', grayPe: { enabled: false }, logPe: { enabled: false }, lif: { reset: 'soft', threshold: 1 } }],
    ['two heads, all lanes, timestep-token Gray, Log-PE table ROM', { heads: 2, lanes: 6, grayPe: { enabled: true, position: 'timestep-token', bits: 6 }, logPe: { enabled: true, impl: 'table-rom' } }],
  ];
  it.each(variants)('%s', async (_label, raw) => {
    const d = design({ ...base, name: `ssa_${_label.length}`, ...raw });
    const report = await expectBitExact(d, 12);
    expect(report.measuredCycles).toBe(report.expectedCycles);
    await expectPortable(d);
  });
});

describe('ssa_head co-simulation catches broken RTL', () => {
  const d = design({ ...base, name: 'ssa_mut' });
  it('fails when the V buffer reads the wrong bank', async () => {
    const broken = mutate(d, 'ssa_mut_attn_v.sv', (sv) => sv.replace("assign raddr = rbase +", 'assign raddr = wbase +'));
    await expect(expectBitExact(broken, 4)).rejects.toThrow(/spikes|more beats|time-out/);
  });
  it('fails when a row does not restart its sum', async () => {
    const broken = mutate(d, 'ssa_mut_attn_v.sv', (sv) => sv.replace("(score_kj_i == '0 ? '0 : acc_q[c*OW +: OW])", 'acc_q[c*OW +: OW]'));
    await expect(expectBitExact(broken, 4)).rejects.toThrow(/RTL differs from the golden model: case "[^"]+": spikes/);
  });
});
