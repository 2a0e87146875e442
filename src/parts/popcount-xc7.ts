/**
 * The `xc7-chain` popcount: a pair-chain compressor tree of AMD 7-series primitives, LUT6_2
 * and CARRY4, about 0.52 LUT per input bit at 256 bits (R2's study, docs/xnor_attention.md).
 *
 * A bit heap (columns of equal-weight bits) is reduced in stages by carry chains, then summed
 * by one final chain. Consecutive positions of a chain sit at consecutive columns c, c+1, …;
 * at each position the LUT gives the carry mux S = X ⊕ Y and DI = X, so the chain adds
 * X + Y + carry-in: column c's sum leaves on O (weight 2^p), the last carry-out one column
 * higher. Two kinds of position:
 *
 *   L (column c)   LUT6_2: I0..I4 = A (≤ 5 bits of column c), I5 = y (a sixth bit):
 *                  O6 = parity(A) ⊕ y → S, O5 = parity(A) → DI (the I5 = 0 half of the same
 *                  table). ⌊cnt(A) / 2⌋ is left over ("spill") for column c + 1.
 *   H (column c+1) the same A: X = [cnt(A) ≥ 2], Y = [cnt(A) ≥ 4] (|A| ≥ 4, I5 tied high:
 *                  two 5-input functions), or Y = z, one more bit of column c + 1 (|A| ≤ 3).
 *
 * A pair (L, H) takes 6 bits of column c (+1 on CYINIT when it starts a chain) and gives two
 * sum bits: a chain of one pair is a 7:3 counter in 2 LUTs and one CARRY4 — 2 bits removed
 * per LUT. The per-stage column targets are chosen by a memoised search over the heap's
 * height vector that minimises LUTs. Counting a match, a first level of LUTs reads three
 * (a, b) pairs each and gives their match parity (column 0) and majority (column 1).
 *
 * Pure data: the nodes are `lut` (LUTk), `lut6_2` and `carry4` cells of the plan, with their
 * INIT values; generators/parts/popcount.ts renders them as vendor primitives, whose
 * simulation models are Yosys's `xilinx/cells_sim.v`.
 */
import { bitlen } from '../base/bits.js';
import { ONE, ZERO, type Bit, type MatchInputs, type PlanNode, type PopcountPlan } from './popcount-plan.js';

/** Chain positions per chain stage: two pairs, one CARRY4 (R2: longer chains barely help). */
const MAX_PAIRS = 2;

type Mode = 'cof' | 'dual' | 'single' | 'const';
type Fn = (v: number[]) => number;

/** One chain position: its LUT (pins I0..I5, functions) and the heap bits it consumes. */
interface Pos<T> {
  col: number;
  mode: Mode;
  /** I0..I5; null = tied low; ONE marks I5 tied high (dual mode). */
  pins: (T | 'one' | null)[];
  f6: Fn;
  f5?: Fn;
  /** Heap bits of this column the position consumes (for the chain's largest value). */
  consumed: number;
}

interface Chain<T> {
  start: number;
  ci: T | null;
  pos: Pos<T>[];
}

const parity = (v: number[], k: number) => v.slice(0, k).reduce((s, x) => s ^ x, 0);
const cnt = (v: number[], k: number) => v.slice(0, k).reduce((s, x) => s + x, 0);

/** L position over R (1 … 6 bits of one column); returns it and its spill set A (empty when |A| < 2). */
function posL<T>(col: number, r: T[]): { pos: Pos<T>; a: T[] } {
  if (r.length === 1) return { pos: { col, mode: 'single', pins: [r[0]!, null, null, null, null, null], f6: (v) => v[0]!, consumed: 1 }, a: [] };
  const a = r.slice(0, -1);
  const y = r[r.length - 1]!;
  const k = a.length;
  const pins: (T | null)[] = [...a, ...Array<null>(5 - k).fill(null), y];
  return { pos: { col, mode: 'cof', pins, f6: (v) => parity(v, k) ^ v[5]!, consumed: r.length }, a: a.length >= 2 ? a : [] };
}

/** H position: absorbs ⌊cnt(A) / 2⌋ of the L before it, plus an optional bit z of its own column. */
function posH<T>(col: number, a: T[], z: T | null): Pos<T> {
  const k = a.length;
  if (k >= 4) {
    if (z !== null) throw new Error('an H position over 4 or more bits takes no z');
    return {
      col,
      mode: 'dual',
      pins: [...a, ...Array<null>(5 - k).fill(null), 'one'],
      f6: (v) => Number(cnt(v, k) >= 2) ^ Number(cnt(v, k) >= 4),
      f5: (v) => Number(cnt(v, k) >= 2),
      consumed: 0,
    };
  }
  if (k >= 2) {
    if (z !== null) return { col, mode: 'cof', pins: [...a, ...Array<null>(5 - k).fill(null), z], f6: (v) => Number(cnt(v, k) >= 2) ^ v[5]!, consumed: 1 };
    return { col, mode: 'single', pins: [...a, ...Array<null>(6 - k).fill(null)], f6: (v) => Number(cnt(v, k) >= 2), consumed: 0 };
  }
  if (z !== null) return { col, mode: 'single', pins: [z, null, null, null, null, null], f6: (v) => v[0]!, consumed: 1 };
  return { col, mode: 'const', pins: [null, null, null, null, null, null], f6: () => 0, consumed: 0 };
}

/** The largest value a chain can produce (for whether its carry-out can be 1). */
function maxValue<T>(ch: Chain<T>): number {
  let m = ch.ci !== null ? 1 : 0;
  ch.pos.forEach((p, i) => (m += p.consumed * 2 ** i));
  return m;
}

interface Pending<T> {
  chain: Chain<T>;
  chainLen: number;
  a: T[];
  z: T | null;
}

/**
 * One reduction stage: chains placed LSB first so that no column holds more than `t` bits
 * afterwards (or as few as possible). Consumed bits are removed from `heap` (taken from the
 * end of each column); returns the chains (outputs not yet attached).
 */
function reduceStage<T>(heap: T[][], t: number): Chain<T>[] {
  const ncol = heap.length;
  const pairs = new Map<number, Pending<T>[]>();
  const chains: Chain<T>[] = [];
  for (let j = 0; j < ncol + 2; j++) {
    const bits = j < ncol ? [...heap[j]!] : [];
    const prev1 = pairs.get(j - 1) ?? [];
    const prev2 = pairs.get(j - 2) ?? [];
    const zslots = prev1.filter((pp) => pp.a.length <= 3);
    const contOk = prev2.filter((pp) => pp.chainLen < MAX_PAIRS);
    const h = bits.length;
    const nz = Math.min(zslots.length, h);
    let best: number | null = null;
    let bestH = 0;
    for (let p = 0; p <= Math.floor((h - nz + 5) / 6); p++) {
      const cont = Math.min(p, contOk.length);
      const starts = p - cont;
      const ends = prev2.length - cont;
      const consumed = Math.min(h, nz + 6 * p + starts);
      const hn = h - consumed + p + prev1.length + ends;
      if (hn <= t) {
        best = p;
        bestH = hn;
        break;
      }
      if (best === null || hn < bestH) {
        best = p;
        bestH = hn;
      }
    }
    const p = j < ncol ? best! : 0;
    for (const zp of zslots) {
      if (!bits.length) break;
      zp.z = bits.pop()!;
    }
    const cont = Math.min(p, contOk.length);
    const cur: Pending<T>[] = [];
    for (let k = 0; k < p; k++) {
      if (!bits.length) break;
      let chain: Chain<T>;
      let chainLen: number;
      const fresh = k >= cont;
      if (!fresh) {
        chain = contOk[k]!.chain;
        chainLen = contOk[k]!.chainLen + 1;
      } else {
        chain = { start: j, ci: null, pos: [] };
        chainLen = 1;
        if (bits.length >= 2) chain.ci = bits.pop()!;
        chains.push(chain);
      }
      const r: T[] = [];
      for (let q = Math.min(6, bits.length); q > 0; q--) r.push(bits.pop()!);
      const l = posL(j, r);
      chain.pos.push(l.pos);
      cur.push({ chain, chainLen, a: l.a, z: null });
    }
    pairs.set(j, cur);
    if (j < ncol) heap[j] = bits;
    for (const pp of prev1) pp.chain.pos.push(posH(j, pp.a, pp.z));
  }
  for (const ch of chains) while (ch.pos.length && ch.pos[ch.pos.length - 1]!.mode === 'const') ch.pos.pop();
  return chains;
}

/**
 * The chain's outputs: (column, index) for O of each position below column W, and the
 * carry-out when it can be 1 and lands below W (a count never reaches 2^W).
 */
function chainOutputs<T>(ch: Chain<T>, w: number): { cols: number[]; carryOut: boolean } {
  ch.pos = ch.pos.filter((p) => p.col < w);
  ch.pos.forEach((p, i) => {
    if (p.col !== ch.start + i) throw new Error('chain positions must be consecutive columns');
  });
  const len = ch.pos.length;
  const carryOut = maxValue(ch) >= 2 ** len && ch.start + len < w;
  return { cols: [...ch.pos.map((p) => p.col), ...(carryOut ? [ch.start + len] : [])], carryOut };
}

type Seg = ['S' | 'P', number];

/**
 * The final adder is one chain over every column from j0 (the first with ≥ 2 bits); per
 * column an S position (≤ 2 bits, + CYINIT at j0) or a P segment over j, j + 1 (an L of
 * 3 … 6 bits and its H, which also takes the single bit of column j + 1 when the L holds
 * ≤ 4). Returns the fewest LUTs and the segments, or null when the heap cannot end here.
 */
function finalParse(h0: number[], w: number): { cost: number; segs: Seg[] } | null {
  const h = [...h0, 0, 0];
  let j0 = -1;
  for (let j = 0; j < w; j++) {
    if (h[j]! >= 2) {
      j0 = j;
      break;
    }
  }
  if (j0 < 0) return { cost: 0, segs: [] };
  let top = 0;
  for (let j = 0; j < w; j++) if (h[j]! > 0) top = j;
  const memo = new Map<number, { cost: number; segs: Seg[] } | null>();
  const f = (j: number): { cost: number; segs: Seg[] } | null => {
    if (j > top) return { cost: 0, segs: [] };
    if (memo.has(j)) return memo.get(j)!;
    const ci = j === j0 ? 1 : 0;
    let best: { cost: number; segs: Seg[] } | null = null;
    const hj = h[j]! > 2 ? h[j]! - ci : h[j]!;
    if (h[j]! <= 2 + ci) {
      const r = f(j + 1);
      if (r) best = { cost: r.cost + (hj > 0 ? 1 : 0), segs: [['S', j], ...r.segs] };
    }
    if (h[j]! <= 6 + ci && hj >= 3 && (h[j + 1] === 0 || (hj <= 4 && h[j + 1]! <= 1))) {
      const r = f(j + 2);
      if (r && j + 1 <= w - 1) {
        const c = r.cost + 2;
        if (!best || c < best.cost) best = { cost: c, segs: [['P', j], ...r.segs] };
      }
    }
    memo.set(j, best);
    return best;
  };
  return f(j0);
}

function finalChain<T>(heap: T[][], w: number): Chain<T> | null {
  const r = finalParse(heap.map((c) => c.length), w);
  if (!r) throw new Error('the heap cannot be summed by one chain');
  if (!r.segs.length) return null;
  const j0 = r.segs[0]![1];
  const ch: Chain<T> = { start: j0, ci: null, pos: [] };
  if (heap[j0]!.length >= 3) ch.ci = heap[j0]!.pop()!;
  for (const [kind, j] of r.segs) {
    const bits = [...heap[j]!];
    if (kind === 'S') {
      ch.pos.push(bits.length ? posL(j, bits).pos : { col: j, mode: 'const', pins: [null, null, null, null, null, null], f6: () => 0, consumed: 0 });
    } else {
      const l = posL(j, bits);
      ch.pos.push(l.pos);
      ch.pos.push(posH(j + 1, l.a, heap[j + 1]!.length ? heap[j + 1]![0]! : null));
    }
  }
  while (ch.pos.length && ch.pos[ch.pos.length - 1]!.mode === 'const') ch.pos.pop();
  return ch;
}

/** Runs one stage on a heap; returns its chains and the next heap (outputs placed by column). */
function stageOn<T>(heap: T[][], t: number, w: number, out: (ch: Chain<T>, cols: number[]) => T[]): { chains: Chain<T>[]; next: T[][] } {
  const work = heap.map((c) => [...c]);
  const chains = reduceStage(work, t);
  const next = work.map((c) => [...c]);
  for (const ch of chains) {
    const { cols } = chainOutputs(ch, w);
    out(ch, cols).forEach((b, i) => {
      if (cols[i]! < w) next[cols[i]!]!.push(b);
    });
  }
  return { chains, next };
}

const luts = <T>(chains: Chain<T>[]) => chains.reduce((s, ch) => s + ch.pos.filter((p) => p.mode !== 'const').length, 0);

/** The stage targets that minimise the LUT count (memoised on the heap's heights). */
function searchSchedule(heights: number[], w: number): number[] {
  const memo = new Map<string, { cost: number; ts: number[] } | null>();
  const best = (hs: number[]): { cost: number; ts: number[] } | null => {
    const key = hs.join(',');
    if (memo.has(key)) return memo.get(key)!;
    const opts: { cost: number; ts: number[] }[] = [];
    const fp = finalParse(hs, w);
    if (fp) opts.push({ cost: fp.cost, ts: [] });
    const mh = Math.max(...hs);
    const cands = new Set<number>();
    for (let t = 2; t < Math.min(mh, 13); t++) cands.add(t);
    for (let k = 2; k <= 8; k++) cands.add(Math.max(2, Math.ceil(mh / k)));
    for (const t of [...cands].sort((a, b) => a - b)) {
      if (t >= mh) continue;
      const heap = hs.map((x) => Array<number>(x).fill(0));
      const { chains, next } = stageOn(heap, t, w, (_ch, cols) => cols.map(() => 0));
      const nhs = next.map((c) => c.length);
      if (nhs.reduce((s, x) => s + x, 0) >= hs.reduce((s, x) => s + x, 0)) continue;
      const r = best(nhs);
      if (!r) continue;
      opts.push({ cost: luts(chains) + r.cost, ts: [t, ...r.ts] });
    }
    // The cheapest; on a tie the earlier option (Python's min over (cost, list) picks the
    // lexicographically smaller schedule).
    let pick: { cost: number; ts: number[] } | null = null;
    for (const o of opts) {
      if (!pick || o.cost < pick.cost || (o.cost === pick.cost && lexLess(o.ts, pick.ts))) pick = o;
    }
    memo.set(key, pick);
    return pick;
  };
  const r = best(heights);
  if (!r) throw new Error('no popcount schedule');
  return r.ts;
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return a.length < b.length;
}

/** LUTk INIT: bit i = f(bits of i), over the k inputs (I0 = bit 0 of the index). */
function initOf(k: number, f: Fn): bigint {
  let init = 0n;
  for (let i = 0; i < 2 ** k; i++) {
    const v = Array.from({ length: 6 }, (_, b) => (b < k ? (i >> b) & 1 : 0));
    if (f(v) & 1) init |= 1n << BigInt(i);
  }
  return init;
}

/** The plan of an n-bit (or n-pair match) xc7-chain popcount. */
export function xc7ChainPlan(n: number, match: MatchInputs | null): PopcountPlan {
  const w = bitlen(n);
  const nodes: PlanNode[] = [];
  const bit = (node: number, b: number): Bit => ({ kind: 'node', node, bit: b });
  let heap: Bit[][] = Array.from({ length: w }, () => []);
  if (match) {
    // Match level: ≤ 3 pairs per group → parity (column 0) and majority (column 1), each one
    // LUT over the 2k operand bits; the match (AND or XNOR) is inside the LUT.
    for (let s = 0; s < n; s += 3) {
      const k = Math.min(3, n - s);
      const pins: Bit[] = [];
      const ops: ('and' | 'xnor')[] = [];
      for (let c = s; c < s + k; c++) {
        pins.push({ kind: 'operand', side: 'a', index: c }, { kind: 'operand', side: 'b', index: c });
        ops.push(c < match.andBits ? 'and' : 'xnor');
      }
      const matches = (v: number[]) => ops.map((op, p) => (op === 'and' ? v[2 * p]! & v[2 * p + 1]! : 1 - (v[2 * p]! ^ v[2 * p + 1]!)));
      nodes.push({ cell: 'lut', inputs: pins, init: initOf(2 * k, (v) => parity(matches(v), k)), outWidth: 1, delay: 1 });
      heap[0]!.push(bit(nodes.length - 1, 0));
      if (k >= 2 && w > 1) {
        nodes.push({ cell: 'lut', inputs: pins, init: initOf(2 * k, (v) => Number(cnt(matches(v), k) >= 2)), outWidth: 1, delay: 1 });
        heap[1]!.push(bit(nodes.length - 1, 0));
      }
    }
  } else {
    heap[0] = Array.from({ length: n }, (_, i) => ({ kind: 'in', index: i }));
  }

  /** Nodes of one chain (LUTs, then CARRY4s); returns its output bits in chainOutputs order. */
  const emit = (ch: Chain<Bit>, cols: number[]): Bit[] => {
    const sBits: Bit[] = [];
    const diBits: Bit[] = [];
    for (const p of ch.pos) {
      if (p.mode === 'const') {
        sBits.push(ZERO);
        diBits.push(ZERO);
        continue;
      }
      const pin = (x: Bit | 'one' | null): Bit => (x === null ? ZERO : x === 'one' ? ONE : x);
      if (p.mode === 'single') {
        // A LUTk over the pins in use (the function re-indexed onto them).
        const used = p.pins.map((x, i) => [x, i] as const).filter(([x]) => x !== null);
        const f: Fn = (v) => {
          const full = [0, 0, 0, 0, 0, 0];
          used.forEach(([, i], q) => (full[i] = v[q]!));
          return p.f6(full);
        };
        nodes.push({ cell: 'lut', inputs: used.map(([x]) => pin(x)), init: initOf(used.length, f), outWidth: 1, delay: 0 });
        sBits.push(bit(nodes.length - 1, 0));
        diBits.push(ZERO);
      } else {
        // LUT6_2: O6 = f6 over I0..I5; O5 = the lower half of INIT (I5 = 0): f5 when I5 is
        // tied high (two 5-input functions), else f6's own I5 = 0 cofactor.
        const f5 = p.f5;
        const init = initOf(6, (v) => (v[5] ? p.f6(v) : f5 ? f5(v) : p.f6(v)));
        nodes.push({ cell: 'lut6_2', inputs: p.pins.map(pin), init, outWidth: 2, delay: 0 });
        sBits.push(bit(nodes.length - 1, 0));
        diBits.push(bit(nodes.length - 1, 1));
      }
    }
    const outs: Bit[] = [];
    let carry: Bit = ZERO;
    for (let g = 0; g < ch.pos.length; g += 4) {
      const pad = (xs: Bit[]) => [...xs.slice(g, g + 4), ...Array<Bit>(Math.max(0, 4 - xs.slice(g, g + 4).length)).fill(ZERO)];
      nodes.push({ cell: 'carry4', ci: carry, cyinit: g === 0 ? (ch.ci ?? ZERO) : ZERO, di: pad(diBits), s: pad(sBits), outWidth: 8, delay: 1 });
      const c4 = nodes.length - 1;
      for (let q = 0; q < 4 && g + q < ch.pos.length; q++) outs.push(bit(c4, q));
      carry = bit(c4, 7);
    }
    if (cols.length > ch.pos.length) {
      // The carry-out of the last position: CO[(len - 1) mod 4] of the last CARRY4.
      const last = nodes.length - 1;
      outs.push(bit(last, 4 + ((ch.pos.length - 1) % 4)));
    }
    return outs;
  };

  const targets = searchSchedule(heap.map((c) => c.length), w);
  let stages = 0;
  for (const t of targets) {
    heap = stageOn(heap, t, w, emit).next;
    stages++;
  }
  let result: Bit[] = heap.map((c) => c[0] ?? ZERO);
  const fc = finalChain(heap, w);
  if (fc) {
    const { cols } = chainOutputs(fc, w);
    const outs = emit(fc, cols);
    result = Array.from({ length: w }, (_, j) => (j < fc.start ? (heap[j]![0] ?? ZERO) : ZERO));
    cols.forEach((col, i) => {
      if (col < w) result[col] = outs[i]!;
    });
    stages++;
  }
  // The longest path in logic levels (a LUT and its carry chain are one).
  const level: number[] = [];
  nodes.forEach((x, i) => {
    const ins = x.cell === 'carry4' ? [x.ci, x.cyinit, ...x.di, ...x.s] : x.cell === 'lut' || x.cell === 'lut6_2' ? x.inputs : [];
    level[i] = x.delay + Math.max(0, ...ins.map((b) => (b.kind === 'node' ? level[b.node]! : 0)));
  });
  return { arch: 'xc7-chain', n, match, width: w, nodes, result, depth: Math.max(0, ...level), stages: [] };
}
