/**
 * LIF derived parameters (SPEC §5): the one place F, W, θ_fx, Vr_fx, the exact membrane
 * bounds and every RTL width of a LIF neuron are computed.
 *
 * Two entry points:
 *   - deriveLifCore(p): plain values in, so the attention head (SPEC §6) can reuse it with
 *     θ' = θ/scale, Vr' = Vr/scale and unsigned inputs X = O·2^F;
 *   - deriveLif(cfg): the `lif_array` top, signed `lif.inputWidth`-bit currents in units
 *     of 2^−F.
 *
 * Core code never prints: exactness caveats are returned in `warnings` and the generator
 * shows them (manifest, `generate` output, RTL header).
 */
import { bitlen, indexWidth } from '../../base/bits.js';
import { ConfigError } from '../../base/errors.js';
import type { ResolvedConfig } from '../../base/config.js';
import { charge } from './model.js';

/** Largest `lif.fracBits` and `lif.width` the config schema accepts (SPEC §8 via src/base/config.ts). */
const MAX_FRAC_BITS = 64;
const MAX_WIDTH = 128;

/**
 * How currents arrive on the array's input port. Port values are integers of `bits` bits.
 *   realUnits false: X = value, already in units of 2^−F (lif_array: signed inputWidth bits);
 *   realUnits true:  X = value·2^F, the port carries a real integer (the head's O ≥ 0).
 * `min`/`max` narrow the values the port will actually carry (e.g. O ≤ N·S_max); the default
 * width is the smallest that cannot saturate over that range. They default to the port's
 * full range.
 */
export interface LifInputSpec {
  bits: number;
  signed: boolean;
  realUnits: boolean;
  min?: bigint;
  max?: bigint;
}

export interface LifCoreParams {
  /** Module-name prefix. */
  name: string;
  tauLog2: number;
  decayInput: boolean;
  /** θ > 0 as a real (for the head: lif.threshold / scale). */
  threshold: number;
  reset: 'hard' | 'soft';
  /** Vr as a real (for the head: lif.vReset / scale). */
  vReset: number;
  fracBits: number | null;
  width: number | null;
  input: LifInputSpec;
  timesteps: number;
  neurons: number;
  lanes: number;
  /**
   * Where the membranes live between timesteps (config `fold.membranes`, `fold.memory`);
   * default registers. "auto" memory means "bram".
   */
  membranes?: 'registers' | 'memory';
  memory?: 'auto' | 'bram' | 'spram';
}

/**
 * Membrane storage (docs/lif_array.md, "State storage"):
 *   registers  a register file of `words` words of lanes·W bits (asynchronous read);
 *   sdp        one simple dual-port RAM (RAM part), read when a beat is accepted and written
 *              back one clock later (read-modify-write; a word is revisited only after every
 *              other group, so a read never meets the write of its own word);
 *   sp         two single-port RAMs in ping-pong: timestep t writes bank t mod 2 and reads
 *              bank (t − 1) mod 2 (SB_SPRAM256KA on the iCE40 UP5K).
 * A stored word holds `lanes` membranes of `storedWidth` bits. When W cannot saturate, only
 * what survives a step has to be stored: V after a step lies in [bounds.vMin, bounds.vMax]
 * (exact extremes), so V − vMin is stored unsigned in bitlen(vMax − vMin) bits whenever
 * that is narrower than W ("narrow"); otherwise V is stored as it is, W bits.
 */
export interface LifStorage {
  kind: 'registers' | 'sdp' | 'sp';
  /** What the config asked for ("memory" can fall back to registers, see `note`). */
  requested: 'registers' | 'memory';
  /** Words per memory (= groups) and bits per word (lanes · storedWidth). */
  words: number;
  wordWidth: number;
  storedWidth: number;
  /** V is stored as V − storedOffset, unsigned (narrow), or as W-bit two's complement. */
  narrow: boolean;
  storedOffset: bigint;
  /** Why the storage is what it is, for the manifest and the header. */
  note: string;
}

/** The input port as derived: port range and the resulting range of X in units of 2^−F. */
export interface LifInput {
  bits: number;
  signed: boolean;
  realUnits: boolean;
  /** Range of port values the default width was sized for. */
  min: bigint;
  max: bigint;
  /** Range of X = value (·2^F when realUnits), units of 2^−F, over the port's full range. */
  xMin: bigint;
  xMax: bigint;
  /** Width of X as a signed number (the port, plus a sign bit if unsigned, plus F if realUnits). */
  xWidth: number;
}

export interface LifDerived {
  name: string;
  tauLog2: number;
  decayInput: boolean;
  reset: 'hard' | 'soft';
  threshold: number;
  vReset: number;
  timesteps: number;
  neurons: number;
  lanes: number;
  /** Beats per timestep: neurons / lanes. */
  groups: number;
  /** Widths of the array's beat counters: max(1, clog2(groups)) and max(1, clog2(T)). */
  groupWidth: number;
  stepWidth: number;
  /** F, and whether it is the default k·T + 8. */
  fracBits: number;
  fracBitsDefault: boolean;
  /** W (two's complement membrane width), and whether it is the default safe width. */
  width: number;
  widthDefault: boolean;
  /** θ_fx = ceil(θ·2^F) and Vr_fx = Vr·2^F, units of 2^−F. */
  thetaFx: bigint;
  vResetFx: bigint;
  input: LifInput;
  /**
   * Exact extremes of H (before saturation) and of V over every input sequence in the
   * declared range, T steps from V = Vr_fx, with unbounded arithmetic. Each bound is reached
   * by some sequence (the update is monotone in V and X), so `safeWidth` is the minimum.
   */
  bounds: { hMin: bigint; hMax: bigint; vMin: bigint; vMax: bigint };
  /** Smallest W holding every bound, θ_fx and Vr_fx: no saturation can happen at this width. */
  safeWidth: number;
  /** W < safeWidth: saturate_W can fire, so the RTL carries the clamp. */
  saturates: boolean;
  /** Width of the RTL's intermediate sums: exact for any W-bit V and any port value. */
  calcWidth: number;
  /** Membrane storage between timesteps. */
  storage: LifStorage;
  /** Clock cycles from a beat's acceptance to its output beat: 1 (registers) or 2 (RAM: read, then step). */
  latency: number;
  /** Full-throughput cycles lost per sequence: sp memory waits one clock at every inner timestep boundary. */
  bubblesPerSequence: number;
  warnings: string[];
}

/** Smallest n ≥ 1 such that lo..hi fits in n-bit two's complement. */
export function signedWidth(lo: bigint, hi: bigint): number {
  const pos = hi >= 0n ? bitlen(hi) : 0;
  const neg = lo < 0n ? bitlen(-lo - 1n) : 0;
  return 1 + Math.max(pos, neg);
}

function signedRange(width: number): [bigint, bigint] {
  const half = 1n << BigInt(width - 1);
  return [-half, half - 1n];
}

function divisorsText(n: number): string {
  const ds: number[] = [];
  for (let i = 1; i <= n; i++) if (n % i === 0) ds.push(i);
  return ds.length <= 24 ? ds.join(', ') : `${ds.slice(0, 20).join(', ')}, ... ${n}`;
}

/**
 * Bounds of H and V over T steps by interval iteration. The update H = Vr + f(V − Vr, X) is
 * monotone non-decreasing in V and in X (adding 1 to V changes the floor term by 0 or −1),
 * so the extremes of H come from the extremes of V with the extreme X. The set of V after
 * the step is {H : H < θ} plus, on a spike, {Vr} (hard) or {H − θ : H ≥ θ} (soft); its hull
 * endpoints are reached, so the bounds are tight.
 */
export function membraneBounds(
  p: { tauLog2: number; decayInput: boolean; reset: 'hard' | 'soft'; timesteps: number },
  thetaFx: bigint,
  vResetFx: bigint,
  xMin: bigint,
  xMax: bigint,
): LifDerived['bounds'] {
  let vlo = vResetFx;
  let vhi = vResetFx;
  let hMin = vResetFx;
  let hMax = vResetFx;
  let vMin = vResetFx;
  let vMax = vResetFx;
  const min = (a: bigint, b: bigint) => (a < b ? a : b);
  const max = (a: bigint, b: bigint) => (a > b ? a : b);
  for (let t = 0; t < p.timesteps; t++) {
    const hlo = charge(p.tauLog2, p.decayInput, vResetFx, vlo, xMin);
    const hhi = charge(p.tauLog2, p.decayInput, vResetFx, vhi, xMax);
    hMin = min(hMin, hlo);
    hMax = max(hMax, hhi);
    let lo: bigint | null = null;
    let hi: bigint | null = null;
    const add = (a: bigint, b: bigint) => {
      lo = lo === null ? a : min(lo, a);
      hi = hi === null ? b : max(hi, b);
    };
    if (hlo < thetaFx) add(hlo, min(hhi, thetaFx - 1n));
    if (hhi >= thetaFx) {
      if (p.reset === 'hard') add(vResetFx, vResetFx);
      else add(max(hlo, thetaFx) - thetaFx, hhi - thetaFx);
    }
    vlo = lo!;
    vhi = hi!;
    vMin = min(vMin, vlo);
    vMax = max(vMax, vhi);
  }
  return { hMin, hMax, vMin, vMax };
}

/**
 * Width of the RTL's intermediate values, by interval arithmetic over any W-bit V and any
 * port value (not only reachable ones), so the sums never wrap whatever the state holds:
 *   decayInput:     u = V − Vr, d = X − u, H = V + (d >>> k)
 *   not decayInput: u = V − Vr, H = V − (u >>> k) + X   (also V − (u >>> k) alone)
 * The floor shift is monotone, so interval endpoints map to endpoints.
 */
function calcWidthFor(tauLog2: number, decayInput: boolean, width: number, vResetFx: bigint, xMin: bigint, xMax: bigint): number {
  const [vMin, vMax] = signedRange(width);
  const k = BigInt(tauLog2);
  const uMin = vMin - vResetFx;
  const uMax = vMax - vResetFx;
  const ranges: [bigint, bigint][] = [
    [vMin, vMax],
    [xMin, xMax],
    [uMin, uMax],
  ];
  if (decayInput) {
    const dMin = xMin - uMax;
    const dMax = xMax - uMin;
    ranges.push([dMin, dMax], [vMin + (dMin >> k), vMax + (dMax >> k)]);
  } else {
    const aMin = vMin - (uMax >> k);
    const aMax = vMax - (uMin >> k);
    ranges.push([aMin, aMax], [aMin + xMin, aMax + xMax]);
  }
  return Math.max(...ranges.map(([lo, hi]) => signedWidth(lo, hi)));
}

export function deriveLifCore(p: LifCoreParams): LifDerived {
  const { tauLog2: k, timesteps: T } = p;
  if (!(p.threshold > 0) || !Number.isFinite(p.threshold)) {
    throw new ConfigError('lif.threshold', p.threshold, 'allowed: a finite number > 0');
  }
  if (p.lanes < 1 || p.lanes > p.neurons || p.neurons % p.lanes !== 0) {
    // Refused rather than padded: a padded last beat would carry lanes the user must fill
    // with something and the array must then ignore; an exact split keeps beats uniform.
    throw new ConfigError('lanes', p.lanes, `allowed: a divisor of neurons = ${p.neurons} (neurons per beat): ${divisorsText(p.neurons)}`);
  }

  const fracBitsDefault = p.fracBits === null;
  const F = p.fracBits ?? k * T + 8;
  if (F > MAX_FRAC_BITS) {
    throw new ConfigError(
      'lif.fracBits',
      p.fracBits,
      `the default k·T + 8 = ${F} exceeds ${MAX_FRAC_BITS}; set lif.fracBits (0 to ${MAX_FRAC_BITS}) explicitly, or fewer timesteps / a smaller tauLog2`,
    );
  }
  const scale = 2 ** F;

  // θ·2^F and Vr·2^F are exact in IEEE double (a power-of-two scaling) unless they overflow.
  const thetaScaled = p.threshold * scale;
  if (!Number.isFinite(thetaScaled)) {
    throw new ConfigError('lif.threshold', p.threshold, `allowed: a number > 0 whose θ·2^F (F = ${F}) is finite`);
  }
  const thetaFx = BigInt(Math.ceil(thetaScaled));

  const vrScaled = p.vReset * scale;
  if (!Number.isFinite(vrScaled) || !Number.isInteger(vrScaled)) {
    throw new ConfigError('lif.vReset', p.vReset, `allowed: a multiple of 2^-F = 2^-${F} (Vr·2^F must be an integer, SPEC §5)`);
  }
  if (p.reset === 'soft' && vrScaled !== 0) {
    throw new ConfigError('lif.vReset', p.vReset, 'allowed: 0 with reset "soft" (soft reset subtracts θ and has no reset value, SPEC §5)');
  }
  const vResetFx = BigInt(vrScaled);

  const portRange: [bigint, bigint] = p.input.signed
    ? signedRange(p.input.bits)
    : [0n, (1n << BigInt(p.input.bits)) - 1n];
  const min = p.input.min ?? portRange[0];
  const max = p.input.max ?? portRange[1];
  if (min < portRange[0] || max > portRange[1] || min > max) {
    throw new RangeError(`lif input range ${min}..${max} does not fit the ${p.input.bits}-bit port`);
  }
  const toX = (v: bigint) => (p.input.realUnits ? v << BigInt(F) : v);
  const input: LifInput = {
    bits: p.input.bits,
    signed: p.input.signed,
    realUnits: p.input.realUnits,
    min,
    max,
    xMin: toX(portRange[0]),
    xMax: toX(portRange[1]),
    xWidth: p.input.bits + (p.input.signed ? 0 : 1) + (p.input.realUnits ? F : 0),
  };

  const bounds = membraneBounds({ tauLog2: k, decayInput: p.decayInput, reset: p.reset, timesteps: T }, thetaFx, vResetFx, toX(min), toX(max));
  const lo = [bounds.hMin, bounds.vMin, vResetFx].reduce((a, b) => (a < b ? a : b));
  const hi = [bounds.hMax, bounds.vMax, vResetFx, thetaFx].reduce((a, b) => (a > b ? a : b));
  const safeWidth = Math.max(2, signedWidth(lo, hi));

  const widthDefault = p.width === null;
  const W = p.width ?? safeWidth;
  if (W > MAX_WIDTH) {
    throw new ConfigError(
      'lif.width',
      p.width,
      `the default (smallest width that cannot saturate) is ${W} bits, above ${MAX_WIDTH}; set lif.width explicitly (it then saturates) or lower lif.fracBits`,
    );
  }
  const [wMin, wMax] = signedRange(W);
  if (thetaFx > wMax) {
    throw new ConfigError(
      'lif.width',
      W,
      `allowed: at least ${signedWidth(0n, thetaFx)} bits, to hold θ_fx = ceil(${p.threshold}·2^${F}) = ${thetaFx} (at most ${MAX_WIDTH})`,
    );
  }
  if (vResetFx < wMin || vResetFx > wMax) {
    throw new ConfigError(
      'lif.width',
      W,
      `allowed: at least ${signedWidth(vResetFx, vResetFx)} bits, to hold Vr_fx = ${p.vReset}·2^${F} = ${vResetFx} (at most ${MAX_WIDTH})`,
    );
  }

  const warnings: string[] = [];
  const grid = 1n << BigInt(k * T);
  if (F < k * T) {
    warnings.push(
      `lif.fracBits = ${F} < tauLog2·timesteps = ${k * T}: the decay shift can drop bits, so the result can differ from spikingjelly's real-valued LIFNode (the hardware follows SPEC §5's fixed point)`,
    );
  }
  if (p.reset === 'soft' && (!Number.isInteger(thetaScaled) || thetaFx % grid !== 0n)) {
    const why = Number.isInteger(thetaScaled) ? `θ_fx = ${thetaFx} is not a multiple of 2^(k·T) = ${grid}` : `θ·2^F is not an integer (θ_fx = ${thetaFx} rounds it up)`;
    warnings.push(
      `lif.threshold = ${p.threshold} with soft reset: ${why}, i.e. θ is not a multiple of 2^(k·T−F); the remainder H − θ_fx can lose bits in later shifts, so spikes and membranes can differ from spikingjelly (SPEC §5); the hardware follows this model`,
    );
  }
  if (vResetFx % grid !== 0n) {
    warnings.push(
      `lif.vReset = ${p.vReset}: Vr_fx = ${vResetFx} is not a multiple of 2^(k·T) = ${grid}, so the decay shift can drop bits of V − Vr; the result can differ from spikingjelly (SPEC §5)`,
    );
  }
  const saturates = W < safeWidth;
  if (saturates) {
    warnings.push(
      `lif.width = ${W} < ${safeWidth} (the smallest width that cannot saturate for this input range over ${T} steps): membranes saturate as SPEC §5 specifies, which spikingjelly does not do`,
    );
  }

  const storage = deriveStorage(p, W, bounds, saturates);
  const ram = storage.kind !== 'registers';
  return {
    name: p.name,
    tauLog2: k,
    decayInput: p.decayInput,
    reset: p.reset,
    threshold: p.threshold,
    vReset: p.vReset,
    timesteps: T,
    neurons: p.neurons,
    lanes: p.lanes,
    groups: p.neurons / p.lanes,
    groupWidth: indexWidth(p.neurons / p.lanes),
    stepWidth: indexWidth(T),
    fracBits: F,
    fracBitsDefault,
    width: W,
    widthDefault,
    thetaFx,
    vResetFx,
    input,
    bounds,
    safeWidth,
    saturates,
    calcWidth: calcWidthFor(k, p.decayInput, W, vResetFx, input.xMin, input.xMax),
    storage,
    latency: ram ? 2 : 1,
    bubblesPerSequence: storage.kind === 'sp' ? T - 1 : 0,
    warnings,
  };
}

/** Where and how wide the membranes are stored (LifStorage). */
function deriveStorage(p: LifCoreParams, W: number, bounds: LifDerived['bounds'], saturates: boolean): LifStorage {
  const words = p.neurons / p.lanes;
  const requested = p.membranes ?? 'registers';
  const registers = (note: string): LifStorage => ({ kind: 'registers', requested, words, wordWidth: p.lanes * W, storedWidth: W, narrow: false, storedOffset: 0n, note });
  if (requested === 'registers') return registers('registers (fold.membranes "registers")');
  // Degenerate memories: with one timestep nothing is kept; with one group the same word
  // would be read in the cycle it is written back. Both keep the register file.
  if (p.timesteps === 1) return registers('registers: with one timestep no membrane is kept between steps');
  if (words === 1) return registers('registers: with one neuron group (neurons = lanes) every beat rewrites the word the next beat reads');
  const span = bounds.vMax - bounds.vMin;
  const spanBits = Math.max(1, bitlen(span));
  const narrow = !saturates && spanBits < W;
  const storedWidth = narrow ? spanBits : W;
  const kind = p.memory === 'spram' ? 'sp' : 'sdp';
  const how = kind === 'sp' ? 'two single-port RAMs, ping-pong per timestep (SB_SPRAM256KA on the UP5K)' : 'one simple dual-port RAM, read-modify-write';
  const width = narrow
    ? `V - (${bounds.vMin}) in ${storedWidth} bits: every V after a step lies in ${bounds.vMin} .. ${bounds.vMax}`
    : saturates
      ? `${W} bits (W saturates, so the exact bounds do not apply)`
      : `${W} bits (the reachable membranes need the full width)`;
  return { kind, requested, words, wordWidth: p.lanes * storedWidth, storedWidth, narrow, storedOffset: narrow ? bounds.vMin : 0n, note: `${how}; ${words} words of ${p.lanes} x ${width}` };
}

/** `top: "lif_array"`: signed lif.inputWidth-bit currents in units of 2^−F. */
export function deriveLif(cfg: ResolvedConfig): LifDerived {
  const { lif } = cfg;
  return deriveLifCore({
    name: cfg.name,
    tauLog2: lif.tauLog2,
    decayInput: lif.decayInput,
    threshold: lif.threshold,
    reset: lif.reset,
    vReset: lif.vReset,
    fracBits: lif.fracBits,
    width: lif.width,
    input: { bits: lif.inputWidth, signed: true, realUnits: false },
    timesteps: cfg.timesteps,
    neurons: cfg.neurons,
    lanes: cfg.lanes,
    ...foldStorage(cfg),
  });
}

/** The membrane storage a config asks for (`fold.membranes`, `fold.memory`). */
export function foldStorage(cfg: ResolvedConfig): Pick<LifCoreParams, 'membranes' | 'memory'> {
  if (cfg.fold === 'auto') {
    throw new ConfigError('fold', 'auto', 'allowed: an object here; "auto" is resolved by generate, verify, synth and estimate with --fit DEVICE (docs/fpga.md)');
  }
  return { membranes: cfg.fold.membranes, memory: cfg.fold.memory };
}
