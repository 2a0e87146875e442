/**
 * Gray-PE golden model (SPEC §1). Pure functions; numbers are exact (P ≤ 2^22).
 */
import { popcount32 } from '../../base/bits.js';
import type { GrayDerived } from './derive.js';

/** gray(p) = p XOR (p >> 1). */
export function gray(p: number): number {
  return (p ^ (p >>> 1)) >>> 0;
}

/** The G-bit code of position index p (for a grid, the token index i). */
export function positionCode(g: GrayDerived, p: number): number {
  if (!g.grid) return gray(p);
  const r = Math.floor(p / g.grid.cols);
  const c = p % g.grid.cols;
  return ((gray(r) << g.grid.colBits) | gray(c)) >>> 0;
}

/** Position index of token i at timestep t. */
export function positionOf(g: GrayDerived, t: number, i: number): number {
  return g.position === 'token' ? i : t * g.geometry.seqLen + i;
}

/** gray_term(i, j) at timestep t = G − popcount(code(i) XOR code(j)). */
export function grayTerm(g: GrayDerived, t: number, i: number, j: number): number {
  return g.bits - popcount32(positionCode(g, positionOf(g, t, i)) ^ positionCode(g, positionOf(g, t, j)));
}

export interface GrayRomInputs {
  positions: number[];
}
export interface GrayRomOutputs {
  codes: number[];
}

/** The gray_rom block: position index → code. */
export function grayRomModel(g: GrayDerived, inputs: GrayRomInputs): GrayRomOutputs {
  return { codes: inputs.positions.map((p) => positionCode(g, p)) };
}
