/**
 * The analytic resource model's contract. Each block has one (src/blocks/<block>/resources.ts,
 * the block's `resources` face) that reads the block's derived
 * parameters only — no tools, no RTL — and returns, per resource, a list of terms
 * (feature value × coefficient). Each term has a prior coefficient from first principles
 * (docs/sv-style.md's popcount measurements, one flip-flop per register bit, …);
 * `spikeforge calibrate` replaces the priors by coefficients fitted to Yosys results
 * (calibration/estimator.json), per block and synthesis target.
 */
import type { BlockName } from '../base/config.js';
import type { TargetName } from './types.js';

export const RESOURCES = ['luts', 'ffs', 'carries', 'brams'] as const;
export type Resource = (typeof RESOURCES)[number];

/** Targets the estimator models (src/targets/). */
export type EstimateTarget = TargetName;

/** One feature of the derived parameters and its prior coefficient. */
export interface Term {
  /** Stable name (the key in the calibration file), e.g. "popcount_bits". */
  name: string;
  /** The feature's value for this design (e.g. lanes × (D + G)). */
  value: number;
  /** Coefficient used when the calibration file has none for this term. */
  prior: number;
  /** What the feature counts, for `spikeforge estimate`'s breakdown. */
  note: string;
}

export type TermsByResource = Record<Resource, Term[]>;

/** What a block completes per clock at full throughput, for throughput = Fmax × items/cycle. */
export interface Rate {
  itemsPerCycle: number;
  /** What an item is ("scores", "codes", "neuron updates", ...). */
  item: string;
}

export interface BlockResourceModel<D = unknown> {
  block: BlockName;
  terms(d: D, target: EstimateTarget): TermsByResource;
  rate(d: D): Rate;
  /** Bits the design keeps in ROM/RAM arrays (exact, for the report; 0 when none). */
  memoryBits(d: D): number;
  /**
   * Single-port RAM macros (iCE40 SB_SPRAM256KA) the design's SPRAM-attributed memories
   * take: an exact tile count from the target facts, not a fitted term. Absent: none.
   */
  sprams?(d: D, target: EstimateTarget): number;
  /**
   * Raw configs (without `name`) that span the block's parameter space: what
   * `spikeforge calibrate` synthesises to fit the coefficients. Keep each one small enough
   * to synthesise in well under a minute.
   */
  calibrationSet(): Record<string, unknown>[];
}

// The map holds models of different derived types; callers go through the interface only.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyResourceModel = BlockResourceModel<any>;

export function terms(luts: Term[], ffs: Term[], carries: Term[] = [], brams: Term[] = []): TermsByResource {
  return { luts, ffs, carries, brams };
}

export function term(name: string, value: number, prior: number, note: string): Term {
  return { name, value, prior, note };
}

/**
 * Adder bits that become carry cells on `target` (the value of a carries term): iCE40 and
 * AMD 7-series have a carry chain, generic LUT6 synthesis has none (0).
 */
export function carryBits(target: EstimateTarget, bits: number): number {
  return target === 'generic' ? 0 : bits;
}

/**
 * Carry cells per adder bit, the prior of a carries term: one SB_CARRY per bit on iCE40,
 * one CARRY4 per four bits on AMD 7-series (a prior, not yet fitted for xc7).
 */
export function carryPerBit(target: EstimateTarget): number {
  return target === 'xc7' ? 0.25 : 1;
}
