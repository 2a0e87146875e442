/**
 * XNOR-attention golden model (SPEC §3):
 *
 *   S_t[i][j] = sim(q_{t,i}, k_{t,j}) + [Gray-PE] gray_term(t, i, j) + [Log-PE] bias(i, j)
 *   sim = D − popcount(q XOR k)   ("xnor", the paper)   or   popcount(q AND k)   ("and")
 *
 * Rows are bit-packed into 32-bit words once per timestep, so the N² inner loop runs on
 * Uint32Array words and popcount32 only (no bigint, no boolean arrays). The position terms
 * depend on (t, i, j) only and are tabulated once per design (WeakMap cache), so the
 * attention head can call scores() per case without paying for them again.
 */
import { popcount, popcount32 } from '../../base/bits.js';
import { grayTerm } from '../gray_rom/model.js';
import { logPeBias } from '../logpe_bias/model.js';
import type { XnorDerived } from './derive.js';

/** 32-bit words per packed row of `dim` bits. */
export function wordsPerRow(dim: number): number {
  return Math.max(1, Math.ceil(dim / 32));
}

/** Packs rows (each < 2^dim) into one Uint32Array, row r at words [r·W, r·W + W). */
export function packRows(rows: readonly bigint[], dim: number): Uint32Array {
  const w = wordsPerRow(dim);
  const out = new Uint32Array(rows.length * w);
  rows.forEach((row, r) => {
    let v = row;
    for (let k = 0; k < w; k++) {
      out[r * w + k] = Number(v & 0xffffffffn);
      v >>= 32n;
    }
  });
  return out;
}

/** sim(q, k) of SPEC §3 for one pair of rows (reference form, bigint). */
export function similarity(kind: 'xnor' | 'and', dim: number, q: bigint, k: bigint): number {
  return kind === 'xnor' ? dim - popcount(q ^ k) : popcount(q & k);
}

/**
 * The authors' alternative datapath for the XNOR similarity (SPEC §3):
 * D − |q| − |k| + 2·|q AND k|. Equal to D − popcount(q XOR k) for every q, k.
 */
export function xnorByIdentity(dim: number, q: bigint, k: bigint): number {
  return dim - popcount(q) - popcount(k) + 2 * popcount(q & k);
}

interface PositionTerms {
  /** gray_term per timestep pattern: one N×N matrix ("token": the same for every t). */
  gray: Int32Array[] | null;
  /** Log-PE bias, N×N row-major. */
  bias: Int32Array | null;
}

const termCache = new WeakMap<XnorDerived, PositionTerms>();

function positionTerms(d: XnorDerived): PositionTerms {
  let terms = termCache.get(d);
  if (terms) return terms;
  const n = d.seqLen;
  let gray: Int32Array[] | null = null;
  if (d.gray) {
    const g = d.gray;
    const patterns = g.position === 'token' ? 1 : d.timesteps;
    gray = Array.from({ length: patterns }, (_, t) => {
      const m = new Int32Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = grayTerm(g, t, i, j);
      return m;
    });
  }
  let bias: Int32Array | null = null;
  if (d.logPe) {
    const l = d.logPe;
    bias = new Int32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) bias[i * n + j] = logPeBias(l, i, j);
  }
  terms = { gray, bias };
  termCache.set(d, terms);
  return terms;
}

/** gray_term + bias for (t, i, j): the score's position part (0 without PEs). */
export function positionPart(d: XnorDerived, t: number, i: number, j: number): number {
  const terms = positionTerms(d);
  const n = d.seqLen;
  let s = 0;
  if (terms.gray) s += terms.gray[terms.gray.length === 1 ? 0 : t]![i * n + j]!;
  if (terms.bias) s += terms.bias[i * n + j]!;
  return s;
}

function checkShape(d: XnorDerived, what: string, rows: readonly (readonly bigint[])[]): void {
  if (rows.length !== d.timesteps) throw new RangeError(`${what}: ${rows.length} timesteps, expected T = ${d.timesteps}`);
  rows.forEach((r, t) => {
    if (r.length !== d.seqLen) throw new RangeError(`${what}[${t}]: ${r.length} rows, expected N = ${d.seqLen}`);
    r.forEach((v, i) => {
      if (v < 0n || v >> BigInt(d.dim) !== 0n) throw new RangeError(`${what}[${t}][${i}]: not a ${d.dim}-bit row`);
    });
  });
}

/** The scores of one timestep t: N×N, from packed rows (see packRows). */
export function timestepScores(d: XnorDerived, t: number, qWords: Uint32Array, kWords: Uint32Array): number[][] {
  const n = d.seqLen;
  const w = wordsPerRow(d.dim);
  const terms = positionTerms(d);
  const gray = terms.gray ? terms.gray[terms.gray.length === 1 ? 0 : t]! : null;
  const bias = terms.bias;
  const xnor = d.similarity === 'xnor';
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n);
    const qo = i * w;
    for (let j = 0; j < n; j++) {
      const ko = j * w;
      let c = 0;
      // Bits above D are 0 in both rows: they add nothing to either count.
      if (xnor) for (let k = 0; k < w; k++) c += popcount32(qWords[qo + k]! ^ kWords[ko + k]!);
      else for (let k = 0; k < w; k++) c += popcount32(qWords[qo + k]! & kWords[ko + k]!);
      let s = xnor ? d.dim - c : c;
      if (gray) s += gray[i * n + j]!;
      if (bias) s += bias[i * n + j]!;
      row[j] = s;
    }
    out.push(row);
  }
  return out;
}

/** S_t[i][j] for every timestep: q and k are T×N rows of D bits; the result is T×N×N. */
export function scores(d: XnorDerived, q: readonly (readonly bigint[])[], k: readonly (readonly bigint[])[]): number[][][] {
  checkShape(d, 'q', q);
  checkShape(d, 'k', k);
  return q.map((qt, t) => timestepScores(d, t, packRows(qt, d.dim), packRows(k[t]!, d.dim)));
}

export interface XnorInputs {
  /** T×N query rows of D bits. */
  q: bigint[][];
  /** T×N key rows of D bits. */
  k: bigint[][];
}

/**
 * A decoded score: a number, or (co-simulation only) a description of why an RTL beat
 * could not be placed — e.g. a wrong sideband index — so the comparison fails naming it.
 */
export type ScoreCell = number | string;

export interface XnorOutputs {
  scores: ScoreCell[][][];
}

/** The xnor_attention block. */
export function xnorAttentionModel(d: XnorDerived, inputs: XnorInputs): XnorOutputs {
  return { scores: scores(d, inputs.q, inputs.k) };
}
