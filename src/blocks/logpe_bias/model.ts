/**
 * Log-PE golden model (SPEC §2). Pure functions; every value is a small exact integer.
 */
import { bitlen } from '../../base/bits.js';
import { tokenDistance, type Geometry } from '../geometry.js';

/**
 * The paper formula: bitlen(N − 1 − |i − j|) = clog2(N − |i − j|) in 1-D;
 * bitlen(R − 1 − |r_i − r_j|) + bitlen(C − 1 − |c_i − c_j|) on an R×C grid
 * (r = i div C, c = i mod C).
 */
export function paperBias(geometry: Geometry, i: number, j: number): number {
  const g = geometry.grid;
  const { dr, dc } = tokenDistance(geometry, i, j);
  if (!g) return bitlen(geometry.seqLen - 1 - dc);
  return bitlen(g.rows - 1 - dr) + bitlen(g.cols - 1 - dc);
}

/**
 * What the model reads of the Log-PE parameters (derive.ts's LogPeDerived has it). Declared
 * here, not imported, so the model stands below derive(), which uses paperBias().
 */
export interface LogPeModelParams {
  geometry: Geometry;
  /** Table mode: table[i][j]; paper mode: null. */
  table: number[][] | null;
}

/** bias(i, j) for query i and key j (0 ≤ i, j < N): the paper formula or table[i][j]. */
export function logPeBias(l: LogPeModelParams, i: number, j: number): number {
  return l.table ? l.table[i]![j]! : paperBias(l.geometry, i, j);
}

export interface LogPeBiasInputs {
  /** (query index i, key index j) pairs. */
  pairs: [number, number][];
}
export interface LogPeBiasOutputs {
  bias: number[];
}

/** The logpe_bias block: one bias per pair, in order. */
export function logPeBiasModel(l: LogPeModelParams, inputs: LogPeBiasInputs): LogPeBiasOutputs {
  return { bias: inputs.pairs.map(([i, j]) => logPeBias(l, i, j)) };
}
