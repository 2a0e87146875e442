import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveLif, deriveLifCore, membraneBounds, signedWidth, type LifCoreParams, type LifDerived } from '../src/blocks/lif_array/derive.js';
import { charge, lifRun, lifStep, saturate } from '../src/blocks/lif_array/model.js';
import { lifArray } from '../src/blocks/lif_array/index.js';
import { main } from '../src/cli/main.js';
import { checkVectorFile } from '../src/app/check.js';
import { Rng } from '../src/base/rng.js';
import { resolveConfig } from '../src/io/config-file.js';
import { loadVectorFile } from '../src/vectors/file.js';
import { design, expectBitExact, expectPortable, mutate, traceDir, VECTORS_DIR } from './helpers/design.js';
import { FULL, FULL_ONLY } from './helpers/tier.js';

const base = { top: 'lif_array', name: 'lif' } as const;
const derive = (raw: Record<string, unknown>) => deriveLif(resolveConfig({ ...base, ...raw }, '.'));

// ---------------------------------------------------------------------------------------
// spikingjelly's LIFNode in exact rational arithmetic (independent of the fixed-point model):
//   decay_input:     H = V + (X − (V − Vr)) / τ
//   not decay_input: H = V − (V − Vr) / τ + X
//   S = H ≥ θ;  hard: V = S ? Vr : H;  soft: V = H − S·θ
// ---------------------------------------------------------------------------------------
interface Q {
  n: bigint;
  d: bigint;
}
const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
};
const q = (n: bigint, d = 1n): Q => {
  const g = gcd(n, d) || 1n;
  return d < 0n ? { n: -n / g, d: -d / g } : { n: n / g, d: d / g };
};
const add = (a: Q, b: Q) => q(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Q, b: Q) => q(a.n * b.d - b.n * a.d, a.d * b.d);
const div = (a: Q, k: bigint) => q(a.n, a.d * k);
const geq = (a: Q, b: Q) => a.n * b.d >= b.n * a.d;
/** An IEEE double as an exact rational. */
function fromDouble(x: number): Q {
  let e = 0;
  while (!Number.isInteger(x)) {
    x *= 2;
    e++;
  }
  return q(BigInt(x), 1n << BigInt(e));
}

function spikingjelly(p: { tau: bigint; decayInput: boolean; hard: boolean; theta: Q; vr: Q }, xs: Q[]): { s: number[]; v: Q[] } {
  let v = p.vr;
  const s: number[] = [];
  const vs: Q[] = [];
  for (const x of xs) {
    const h = p.decayInput ? add(v, div(sub(x, sub(v, p.vr)), p.tau)) : add(sub(v, div(sub(v, p.vr), p.tau)), x);
    const spike = geq(h, p.theta);
    v = spike ? (p.hard ? p.vr : sub(h, p.theta)) : h;
    s.push(spike ? 1 : 0);
    vs.push(v);
  }
  return { s, v: vs };
}

function core(p: Partial<LifCoreParams>): LifDerived {
  return deriveLifCore({
    name: 'x',
    tauLog2: 1,
    decayInput: true,
    threshold: 1,
    reset: 'hard',
    vReset: 0,
    fracBits: null,
    width: null,
    input: { bits: 16, signed: true, realUnits: false },
    timesteps: 4,
    neurons: 1,
    lanes: 1,
    ...p,
  });
}

describe('LIF golden model (SPEC §5)', () => {
  it('shifts by flooring, also for negative values', () => {
    // decayInput, k = 1, V = Vr = 0: H = X >>> 1.
    expect([-3n, -2n, -1n, 0n, 1n, 3n].map((x) => charge(1, true, 0n, 0n, x))).toEqual([-2n, -1n, -1n, 0n, 0n, 1n]);
    // Not decayInput: H = V − ((V − Vr) >>> k) + X, with V − Vr = −5: −5 >>> 2 = −2.
    expect(charge(2, false, 1n, -4n, 10n)).toBe(-4n + 2n + 10n);
    // k = 0 with decay input: H = V + X − (V − Vr) = X + Vr.
    expect(charge(0, true, 7n, 123n, 5n)).toBe(12n);
  });

  it('saturates to the W-bit two\'s complement range', () => {
    expect([saturate(200n, 8), saturate(127n, 8), saturate(-128n, 8), saturate(-129n, 8)]).toEqual([127n, 127n, -128n, -128n]);
    const d = core({ width: 8, fracBits: 4, threshold: 7, input: { bits: 16, signed: true, realUnits: false } });
    expect(d.saturates).toBe(true);
    // θ_fx = 112. H = 0 + (1000 >>> 1) = 500 saturates to 127 ≥ 112: spike, hard reset.
    // H = −500 saturates to −128: no spike, V = −128.
    expect(lifStep(d, 0n, 1000n)).toEqual({ spike: 1, v: 0n });
    expect(lifStep(d, 0n, -1000n)).toEqual({ spike: 0, v: -128n });
  });

  it('runs a hand-computed sequence (k = 1, decayInput, θ = 0.5, hard)', () => {
    const d = core({ threshold: 0.5, fracBits: 4, timesteps: 4, neurons: 2, lanes: 1 });
    expect(d.thetaFx).toBe(8n);
    // Neuron 0: 10 → H 5, 10 → 7, 10 → 8 spike → 0, −6 → −3.  Neuron 1: 16 → 8 spike, −1 → −1.
    const r = lifRun(d, [
      [10n, 16n],
      [10n, -1n],
      [10n, 0n],
      [-6n, 3n],
    ]);
    expect(r.spikes).toEqual([
      [0, 1],
      [0, 0],
      [1, 0],
      [0, 0],
    ]);
    expect(r.membrane).toEqual([
      [5n, 0n],
      [7n, -1n],
      [0n, -1n],
      [-3n, 1n],
    ]);
  });

  it('soft reset keeps the remainder above the threshold', () => {
    const d = core({ threshold: 1, fracBits: 2, reset: 'soft', tauLog2: 0, timesteps: 2 });
    // k = 0, decayInput: H = X. 9 ≥ 4 → V = 5; then H = 3 < 4.
    expect(lifRun(d, [[9n], [3n]])).toEqual({ spikes: [[1], [0]], membrane: [[5n], [3n]] });
  });

  it('is exact past 2^53 (F = 32, 41-bit membranes)', () => {
    const d = core({ fracBits: 32, width: 41, threshold: 0.5, input: { bits: 40, signed: true, realUnits: false } });
    const big = (1n << 38n) + 12345n;
    const r = lifRun(d, [[big], [big], [-big], [3n]]);
    // Reference by hand: H1 = big >> 1; no spike needs H < 2^31.
    expect(r.membrane[0]![0]).toBe(0n); // big/2 ≥ θ_fx = 2^31: spike, hard reset
    expect(r.spikes[0]![0]).toBe(1);
    expect(r.membrane[2]![0]).toBe((-big) >> 1n);
  });
});

describe('exactness against spikingjelly (rational arithmetic, SPEC §5)', () => {
  it('equals the real-valued LIFNode spike for spike and membrane for membrane on 10,000 random sequences', () => {
    const rng = new Rng(2025);
    let spikes = 0;
    let sequences = 0;
    let hardOffGrid = 0;
    for (; sequences < 10_000; sequences++) {
      const k = rng.int(0, 3);
      const T = rng.pick([1, 2, 3, 4, 6, 8, 16]);
      const F = k * T + rng.int(0, 6);
      const hard = rng.float() < 0.5;
      const decayInput = rng.float() < 0.5;
      // The grid on which Vr and (soft) θ must lie: multiples of 2^(k·T − F).
      const grid = 2 ** (k * T - F);
      const perUnit = 2 ** (F - k * T);
      const vReset = hard ? rng.int(-2 * perUnit, perUnit) * grid : 0;
      let threshold: number;
      if (hard && rng.float() < 0.7) {
        // Any double: θ_fx = ceil(θ·2^F) still decides H ≥ θ exactly.
        threshold = 3 * (rng.float() + rng.float() / 2 ** 32) + 2 ** -40;
        hardOffGrid++;
      } else {
        threshold = rng.int(1, 3 * perUnit) * grid;
      }
      const d = core({
        tauLog2: k,
        timesteps: T,
        fracBits: F,
        decayInput,
        reset: hard ? 'hard' : 'soft',
        threshold,
        vReset,
        // Integer-valued real currents −8..7: X_fx = X·2^F.
        input: { bits: 4, signed: true, realUnits: true },
      });
      // Exact by construction: no warning, and the default W cannot saturate.
      expect(d.warnings).toEqual([]);
      const xs = Array.from({ length: T }, () => BigInt(rng.int(-8, 7)));
      const model = lifRun(d, xs.map((x) => [x << BigInt(F)]));
      const real = spikingjelly(
        { tau: 1n << BigInt(k), decayInput, hard, theta: fromDouble(threshold), vr: fromDouble(vReset) },
        xs.map((x) => q(x)),
      );
      for (let t = 0; t < T; t++) {
        const v = real.v[t]!;
        // V_fx = V·2^F must be an integer equal to the model's membrane.
        if (model.spikes[t]![0] !== real.s[t] || model.membrane[t]![0]! * v.d !== v.n << BigInt(F)) {
          throw new Error(
            `sequence ${sequences}: k=${k} T=${T} F=${F} ${hard ? 'hard' : 'soft'} decayInput=${decayInput} θ=${threshold} Vr=${vReset} ` +
              `X=${xs.join(',')}: step ${t} model S=${model.spikes[t]![0]} V=${model.membrane[t]![0]}, ` +
              `spikingjelly S=${real.s[t]} V=${v.n}/${v.d}`,
          );
        }
        spikes += real.s[t]!;
      }
    }
    expect(sequences).toBe(10_000);
    // The comparison is only worth something if neurons do spike, and off-grid θ occurs.
    expect(spikes).toBeGreaterThan(10_000);
    expect(hardOffGrid).toBeGreaterThan(2_000);
  });

  it("reproduces SPEC §5's soft-reset counterexample, and warns about it", () => {
    const threshold = 7783 / 4096;
    const d = core({
      tauLog2: 1,
      timesteps: 4,
      fracBits: 12,
      decayInput: false,
      reset: 'soft',
      threshold,
      input: { bits: 4, signed: true, realUnits: true },
    });
    const xs = [1n, 3n, 1n, 1n];
    const model = lifRun(d, xs.map((x) => [x << 12n]));
    const real = spikingjelly({ tau: 2n, decayInput: false, hard: false, theta: fromDouble(threshold), vr: q(0n) }, xs.map((x) => q(x)));
    expect(real.s).toEqual([0, 1, 0, 0]);
    expect(model.spikes.map((r) => r[0])).toEqual([0, 1, 0, 1]);
    expect(d.warnings.join('\n')).toMatch(/lif\.threshold.*soft reset.*not a multiple of 2\^\(k·T\) = 16/);
  });
});

describe('LIF derived widths', () => {
  it('defaults F = k·T + 8 and the smallest W that cannot saturate (paper neuron, T = 4)', () => {
    const d = derive({ timesteps: 4, lif: { tauLog2: 1, threshold: 0.5 } });
    expect(d.fracBits).toBe(12);
    expect(d.thetaFx).toBe(2048n);
    // Lowest H: −32768/2, then −16384 + (−32768 + 16384)/2 = −24576, −28672, −30720.
    expect(d.bounds.hMin).toBe(-30720n);
    // Highest: V stays below θ_fx: 2047 + (32767 − 2047)/2 = 17407.
    expect(d.bounds.hMax).toBe(17407n);
    expect(d.width).toBe(16);
    expect(d.saturates).toBe(false);
    expect(d.warnings).toEqual([]);
  });

  it('the bounds are the exact extremes: exhaustive over every input sequence of small configs', () => {
    const rng = new Rng(7);
    for (let n = 0; n < 60; n++) {
      const k = rng.int(0, 3);
      const T = rng.int(1, 4);
      const decayInput = rng.float() < 0.5;
      const reset = rng.pick(['hard', 'soft'] as const);
      const bits = 3;
      const d = core({
        tauLog2: k,
        timesteps: T,
        fracBits: 2,
        decayInput,
        reset,
        threshold: rng.int(1, 12) / 4,
        vReset: reset === 'hard' ? rng.int(-3, 3) / 4 : 0,
        input: { bits, signed: true, realUnits: false },
      });
      const values = [-4n, -3n, -2n, -1n, 0n, 1n, 2n, 3n];
      let hMin = d.vResetFx;
      let hMax = d.vResetFx;
      const walk = (v: bigint, t: number): void => {
        if (t === T) return;
        for (const x of values) {
          const h = charge(k, decayInput, d.vResetFx, v, x);
          if (h < hMin) hMin = h;
          if (h > hMax) hMax = h;
          const s = lifStep(d, v, x);
          walk(s.v, t + 1);
        }
      };
      walk(d.vResetFx, 0);
      expect(d.saturates).toBe(false);
      expect([d.bounds.hMin, d.bounds.hMax]).toEqual([hMin, hMax]);
    }
  });

  it('no reachable value leaves the bounds (random long sequences, extreme currents)', () => {
    const rng = new Rng(3);
    for (let n = 0; n < 200; n++) {
      const d = derive({
        neurons: 1,
        timesteps: rng.pick([1, 4, 16]),
        lif: { tauLog2: rng.int(0, 3), decayInput: rng.float() < 0.5, reset: rng.pick(['hard', 'soft']), threshold: rng.float() * 4 + 0.01, inputWidth: 8 },
      });
      const currents = Array.from({ length: d.timesteps }, () => [rng.pick([-128n, 127n, BigInt(rng.int(-128, 127))])]);
      const r = lifRun(d, currents);
      for (const [v] of r.membrane) expect(v! >= d.bounds.vMin && v! <= d.bounds.vMax).toBe(true);
      expect(signedWidth(d.bounds.hMin, d.bounds.hMax)).toBeLessThanOrEqual(d.width);
    }
  });

  it('reuses the core for unsigned real-unit inputs (the head: X = O·2^F)', () => {
    const d = core({ input: { bits: 5, signed: false, realUnits: true, max: 20n }, threshold: 64, timesteps: 4 });
    expect(d.fracBits).toBe(12);
    expect(d.input.xMin).toBe(0n);
    expect(d.input.xMax).toBe(31n << 12n);
    expect(d.input.xWidth).toBe(5 + 1 + 12);
    // Sized for O ≤ 20, not for the port's 31: the first step reaches exactly 20·2^12 / 2.
    expect(d.bounds.hMax).toBeGreaterThanOrEqual(10n << 12n);
    expect(d.bounds.hMax).toBeLessThan(20n << 12n);
    expect(d.bounds.hMin).toBe(0n);
    expect(membraneBounds(d, d.thetaFx, d.vResetFx, 0n, 20n << 12n)).toEqual(d.bounds);
  });
});

describe('LIF config rules (errors name the key)', () => {
  it('refuses a width that cannot hold θ_fx', () => {
    expect(() => derive({ lif: { threshold: 4, fracBits: 8, width: 10 } })).toThrow(/"lif\.width": value 10.*at least 12 bits.*θ_fx = ceil\(4·2\^8\) = 1024/);
  });
  it('refuses a width that cannot hold Vr_fx', () => {
    expect(() => derive({ lif: { threshold: 0.5, vReset: -4, fracBits: 8, width: 10 } })).toThrow(/"lif\.width".*Vr_fx/);
  });
  it('refuses vReset off the 2^-F grid, and vReset ≠ 0 with soft reset', () => {
    expect(() => derive({ lif: { vReset: 0.3, fracBits: 8 } })).toThrow(/"lif\.vReset": value 0\.3.*multiple of 2\^-F = 2\^-8/);
    expect(() => derive({ lif: { vReset: 0.5, reset: 'soft' } })).toThrow(/"lif\.vReset".*0 with reset "soft"/);
  });
  it('refuses threshold ≤ 0', () => {
    expect(() => derive({ lif: { threshold: 0 } })).toThrow(/"lif\.threshold".*> 0/);
    expect(() => derive({ lif: { threshold: -1 } })).toThrow(/"lif\.threshold"/);
  });
  it('refuses lanes that do not divide the neurons, listing the divisors', () => {
    expect(() => derive({ neurons: 6, lanes: 4 })).toThrow(/"lanes": value 4.*divisor of neurons = 6.*1, 2, 3, 6/);
    expect(() => derive({ neurons: 6, lanes: 12 })).toThrow(/"lanes"/);
  });
  it('refuses a default F past the schema limit', () => {
    expect(() => derive({ timesteps: 64, lif: { tauLog2: 1 } })).toThrow(/"lif\.fracBits".*k·T \+ 8 = 72/);
  });
  it('warns (never throws) when F < k·T, Vr is off the exact grid, or W can saturate', () => {
    const d = derive({ timesteps: 6, lif: { tauLog2: 2, reset: 'hard', vReset: 0.25, fracBits: 6, width: 10 } });
    const text = d.warnings.join('\n');
    expect(text).toMatch(/lif\.fracBits = 6 < tauLog2·timesteps = 12/);
    expect(text).toMatch(/lif\.vReset = 0\.25/);
    expect(text).toMatch(/lif\.width = 10 < \d+/);
  });
  it('exits 2 from the CLI, naming the key, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lif-cfg-'));
    const cfg = join(dir, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ ...base, lif: { threshold: 100, fracBits: 12, width: 16 } }));
    let err = '';
    const code = await main(['generate', cfg, '-o', join(dir, 'out')], { out: () => {}, err: (t) => (err += t) });
    expect(code).toBe(2);
    expect(err).toMatch(/config key "lif\.width"/);
    expect(() => readFileSync(join(dir, 'out', 'manifest.json'))).toThrow();
  });
});

describe('lif_array vectors', () => {
  it('accepts numbers and decimal strings past 2^53, and writes membranes the same way', () => {
    const d = derive({ neurons: 1, timesteps: 2, lif: { fracBits: 32, width: 60, inputWidth: 60, threshold: 1e6 } });
    const big = '288230376151711743'; // 2^58 − 1
    const inputs = lifArray.vectors.inputs(d, { currents: [[big], ['-288230376151711744']] }, 'case');
    expect(inputs.currents).toEqual([[2n ** 58n - 1n], [-(2n ** 58n)]]);
    const out = lifArray.vectors.outputs(d, inputs, lifArray.model(d, inputs));
    expect(out['spikes']).toEqual([[1], [0]]);
    // A spike resets to 0 (a number); then H = 0 + (−2^58 >>> 1) = −2^57, past 2^53: a string.
    expect(out['membrane']).toEqual([[0], ['-144115188075855872']]);
    expect(() => lifArray.vectors.inputs(d, { currents: [['1e3'], [0]] }, 'case')).toThrow(/case\.currents\[0\]\[0\]/);
    expect(() => lifArray.vectors.inputs(d, { currents: [[0]] }, 'case')).toThrow(/must have 2 entries/);
  });
});

describe('lif_array RTL: co-simulation and portability', () => {
  // Together: every reset × decayInput pair, tauLog2 0/1/3, T = 1/4/16, thresholds off the
  // 2^-F grid, saturation at narrow widths, one and several lanes, one and several beats
  // per timestep, >64-bit ports and >53-bit values. Cases always run back to back.
  const variants: [string, Record<string, unknown>][] = [
    [
      'hard, decayInput, k=1, T=4, 2 lanes, θ = 0.5 (paper neuron), F=32, 60-bit currents (> 2^53), default W',
      { neurons: 4, lanes: 2, timesteps: 4, lif: { threshold: 0.5, fracBits: 32, inputWidth: 60 } },
    ],
    [
      'soft, decayInput, k=3, T=16, θ off grid, saturating W=10',
      { neurons: 3, timesteps: 16, lif: { tauLog2: 3, reset: 'soft', threshold: 0.3, fracBits: 8, width: 10, inputWidth: 12 } },
    ],
    [
      'hard, no decay, k=0, T=16, 4 lanes = 1 beat per timestep, Vr < 0, saturating W=10',
      { neurons: 4, lanes: 4, timesteps: 16, lif: { tauLog2: 0, decayInput: false, vReset: -0.25, threshold: 0.7, fracBits: 6, width: 10, inputWidth: 10 } },
    ],
    [
      'soft, no decay, k=1, T=1, 3 lanes, θ = 7783/4096, default F and W',
      { neurons: 6, lanes: 3, timesteps: 1, lif: { decayInput: false, reset: 'soft', threshold: 7783 / 4096 } },
    ],
    [
      'soft, decayInput, k=0, T=4, saturating W=6, 5 beats per timestep',
      { neurons: 5, timesteps: 4, lif: { tauLog2: 0, reset: 'soft', threshold: 0.375, fracBits: 3, width: 6, inputWidth: 8 } },
    ],
  ];
  it.each(variants)('%s', async (label, raw) => {
    const d = design({ ...base, name: `lif_v${variants.findIndex(([l]) => l === label)}`, ...raw });
    const report = await expectBitExact(d, 12);
    expect((d.derived as LifDerived).widthDefault || (d.derived as LifDerived).saturates).toBe(true);
    // One beat per clock: the full-throughput run takes exactly beats + 1 cycles.
    expect(report.measuredCycles).toBe(report.expectedCycles);
    await expectPortable(d);
  });

  it('passes the public soft-reset vector file with --rtl (k = 2, F < k·T, W = 14)', async () => {
    const vf = loadVectorFile(join(VECTORS_DIR, 'pub_lif_k2_soft.json'));
    const report = await checkVectorFile(vf, { rtl: true, seed: 3, traceDir: traceDir() });
    expect(report.values).toBeGreaterThan(0);
    expect(report.rtl).not.toBeNull();
  });
});

// One mutant per storage in `make test`, all in `make test-full` (each is a Verilator build).
describe('lif_array co-simulation catches broken RTL', () => {
  it('fails when the saturation is dropped', async () => {
    const d = design({ ...base, name: 'lif_nosat', neurons: 2, timesteps: 4, lif: { tauLog2: 1, threshold: 0.5, fracBits: 4, width: 8, inputWidth: 10 } });
    expect((d.derived as LifDerived).saturates).toBe(true);
    const broken = mutate(d, 'lif_nosat_lif_neuron.sv', (sv) =>
      sv.replace("assign h = (h_top == '0 || h_top == '1) ? W'(h_c) : (h_c[CW-1] ? HMin : HMax);", "assign h = W'(h_c);"),
    );
    await expect(expectBitExact(broken, 4)).rejects.toThrow(/RTL differs from the golden model: case "max_current"/);
  });

  it.skipIf(!FULL)(`fails when the arithmetic shift becomes a logical one${FULL ? '' : FULL_ONLY}`, async () => {
    const d = design({ ...base, name: 'lif_lsr', neurons: 2, timesteps: 4, lif: { tauLog2: 2, threshold: 0.5, inputWidth: 8 } });
    const broken = mutate(d, 'lif_lsr_lif_neuron.sv', (sv) => sv.replace('(d_c >>> TauLog2)', '(d_c >> TauLog2)'));
    await expect(expectBitExact(broken, 4)).rejects.toThrow(/RTL differs from the golden model/);
  });

  it.skipIf(!FULL)(`fails when t = 0 reads the stored state instead of Vr (back-to-back sequences)${FULL ? '' : FULL_ONLY}`, async () => {
    const d = design({ ...base, name: 'lif_seq', neurons: 2, timesteps: 3, lif: { tauLog2: 1, threshold: 0.5, inputWidth: 8 } });
    const broken = mutate(d, 'lif_seq_lif_array.sv', (sv) =>
      sv.replace('assign v_prev = first_step ? {Lanes{VReset}} : state_q[group_q];', 'assign v_prev = state_q[group_q];'),
    );
    await expect(expectBitExact(broken, 4)).rejects.toThrow(/RTL differs from the golden model/);
  });
});

// ---------------------------------------------------------------------------------------
// Membranes in RAM (fold.membranes "memory", docs/lif_array.md "State storage").
// ---------------------------------------------------------------------------------------
describe('lif_array with membranes in RAM: derived storage', () => {
  it('stores V − vMin in bitlen(vMax − vMin) bits when W cannot saturate', () => {
    const d = derive({ neurons: 8, lanes: 2, timesteps: 4, fold: { membranes: 'memory' }, lif: { threshold: 0.5 } });
    expect(d.storage.kind).toBe('sdp');
    expect(d.storage.words).toBe(4);
    expect(d.storage.narrow).toBe(true);
    expect(d.storage.storedOffset).toBe(d.bounds.vMin);
    expect(d.storage.storedWidth).toBe(Math.max(1, (d.bounds.vMax - d.bounds.vMin).toString(2).length));
    expect(d.storage.storedWidth).toBeLessThanOrEqual(d.width);
    expect(d.latency).toBe(2);
  });
  it('single-port banks (spram): two memories, a wait at each inner timestep boundary', () => {
    const d = derive({ neurons: 8, lanes: 2, timesteps: 4, fold: { membranes: 'memory', memory: 'spram' } });
    expect(d.storage.kind).toBe('sp');
    expect(d.bubblesPerSequence).toBe(3);
    expect(lifArray.cycles(d, [{ currents: [] }, { currents: [] }])).toBe(2 * (4 * 4 + 3) + 2);
  });
  it('keeps the register file where a memory would be degenerate (T = 1, or one group)', () => {
    expect(derive({ neurons: 8, lanes: 2, timesteps: 1, fold: { membranes: 'memory' } }).storage.kind).toBe('registers');
    expect(derive({ neurons: 4, lanes: 4, timesteps: 3, fold: { membranes: 'memory' } }).storage.kind).toBe('registers');
  });
  it('stores the full W when W saturates', () => {
    const d = derive({ neurons: 4, lanes: 2, timesteps: 4, fold: { membranes: 'memory' }, lif: { fracBits: 4, width: 8, inputWidth: 10 } });
    expect(d.saturates).toBe(true);
    expect(d.storage).toMatchObject({ narrow: false, storedWidth: 8 });
  });
});

describe('lif_array with membranes in RAM: co-simulation and portability', () => {
  const variants: [string, Record<string, unknown>, boolean][] = [
    ['block RAM, hard, paper neuron, narrow stored width', { neurons: 8, lanes: 2, timesteps: 4, fold: { membranes: 'memory' }, lif: { threshold: 0.5 } }, true],
    ['single-port banks, soft reset, T = 3 (waits at boundaries)', { neurons: 8, lanes: 2, timesteps: 3, fold: { membranes: 'memory', memory: 'spram' }, lif: { reset: 'soft', threshold: 0.5 } }, true],
    ['block RAM, Vr < 0 and no decay (stored with an offset), 3 lanes', { neurons: 6, lanes: 3, timesteps: 4, fold: { membranes: 'memory' }, lif: { vReset: -0.25, threshold: 1.25, decayInput: false } }, FULL],
    ['block RAM, saturating W = 10, k = 3, T = 16 (full stored width)', { neurons: 6, lanes: 1, timesteps: 16, fold: { membranes: 'memory' }, lif: { tauLog2: 3, reset: 'soft', threshold: 0.3, fracBits: 8, width: 10, inputWidth: 12 } }, FULL],
    ['single-port banks, 2 groups, T = 2', { neurons: 4, lanes: 2, timesteps: 2, fold: { membranes: 'memory', memory: 'spram' } }, FULL],
  ];
  for (const [label, raw, run] of variants) {
    it.runIf(run)(`${label}${run === FULL && !FULL ? FULL_ONLY : ''}`, async () => {
      const d = design({ ...base, name: `lif_m${label.length}`, ...raw });
      const report = await expectBitExact(d, 12);
      expect(report.measuredCycles).toBe(report.expectedCycles);
      await expectPortable(d);
    });
  }
});

describe('lif_array with membranes in RAM: broken RTL fails', () => {
  it.skipIf(!FULL)(`fails when t = 0 uses the stored membranes instead of Vr${FULL ? '' : FULL_ONLY}`, async () => {
    const d = design({ ...base, name: 'lifm_t0', neurons: 4, lanes: 2, timesteps: 3, fold: { membranes: 'memory' }, lif: { threshold: 0.5, inputWidth: 8 } });
    const broken = mutate(d, 'lifm_t0_lif_array.sv', (sv) => sv.replace('first1_q ? VReset : v_back', 'v_back').replace('.re_i   (accept && !first_step)', '.re_i   (accept)'));
    await expect(expectBitExact(broken, 4)).rejects.toThrow(/RTL differs from the golden model/);
  });
  it('fails when a single-port bank is read in the cycle it is written (the wait removed)', async () => {
    const d = design({ ...base, name: 'lifm_sp', neurons: 4, lanes: 2, timesteps: 3, fold: { membranes: 'memory', memory: 'spram' }, lif: { threshold: 0.5, inputWidth: 8 } });
    const broken = mutate(d, 'lifm_sp_lif_array.sv', (sv) => sv.replace('assign cur_ready_o = (!v1_q || adv1) && !hazard;', 'assign cur_ready_o = !v1_q || adv1;'));
    await expect(expectBitExact(broken, 4)).rejects.toThrow(/RTL differs from the golden model|cycles/);
  });
});
