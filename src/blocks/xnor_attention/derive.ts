/**
 * XNOR-attention engine derived parameters (SPEC §3). The one place every width of the
 * engine is computed: D, G, B_max, S_max = D + G + B_max, the score width, lanes and beats,
 * the popcount architecture and the pipeline latency. Gray-PE and Log-PE parameters come
 * from their own derive() functions, never recomputed here.
 */
import { bitlen, clog2, indexWidth } from '../../base/bits.js';
import { ConfigError } from '../../base/errors.js';
import { deriveGeometry, requireDim, type Geometry } from '../geometry.js';
import { deriveGray, type GrayDerived } from '../gray_rom/derive.js';
import { deriveLogPe, deriveLogPeLanes, type LogPeDerived, type LogPeLanes } from '../logpe_bias/derive.js';
import type { ResolvedConfig } from '../../base/config.js';

import type { TargetName } from '../../base/config.js';
import { planPopcount, type MatchInputs, type PopcountArch, type PopcountPlan } from '../../parts/popcount.js';
import { pipelinePlan, type PopcountPipe } from '../../parts/popcount-pipeline.js';
export type { PopcountArch };
export type Similarity = 'xnor' | 'and';

export interface XnorDerived {
  /** Module-name prefix (config `name`). */
  name: string;
  geometry: Geometry;
  /** N, T, D. */
  seqLen: number;
  timesteps: number;
  dim: number;
  similarity: Similarity;
  /** Gray-PE parameters, or null when disabled. */
  gray: GrayDerived | null;
  /** Log-PE parameters and the lanes core's widths, or null when disabled. */
  logPe: LogPeDerived | null;
  logPeLanes: LogPeLanes | null;
  /** G: Gray code bits appended to every q and k row (0 without Gray-PE). */
  grayBits: number;
  /** B_max: the largest Log-PE bias (0 without Log-PE). */
  maxBias: number;
  /** S_max = D + G + B_max. */
  maxScore: number;
  /** SW = bitlen(S_max): bits of one score. */
  scoreWidth: number;
  /** Bits counted by each lane's popcount: D + G (the paper's fused formulation). */
  countBits: number;
  /** bitlen(D + G): width of a popcount result. */
  countWidth: number;
  /** Scores per output beat (1 … N). */
  lanes: number;
  /** Beats per query row: ceil(N / lanes). */
  beats: number;
  /** Real lanes of the last beat of a row: N − (beats − 1)·lanes. */
  lastLanes: number;
  /** max(1, clog2(N)): query / key index width (sideband, Log-PE ports). */
  idxWidth: number;
  /** max(1, clog2(beats)): beat-number width. */
  beatWidth: number;
  /** max(1, clog2(lanes)): key-buffer lane-counter width. */
  laneWidth: number;
  /**
   * The key buffer: one memory per lane, two banks (double buffering) of one word per beat;
   * address = {bank, beat} (the bank bit alone when a row is one beat).
   */
  keyBuffer: { words: number; width: number; addrWidth: number; memories: number };
  popcount: PopcountArch;
  /** Where `popcount` came from: the config, or "auto" for the target. */
  popcountSource: 'config' | 'auto';
  target: TargetName;
  /** What each lane's popcount counts: AND on the D data bits for "and", XNOR on the rest. */
  match: MatchInputs;
  /** The popcount's pipelining (every = 0: combinational); from `popcountPipeline`. */
  popcountPipe: PopcountPipe;
  /** Register stages inside each lane's popcount (0: combinational). */
  popcountStages: number;
  /**
   * The Log-PE `logic` core in two stages (|i − j| registered first), when a popcount stage
   * leaves room for it: the bias then waits one register less, so no latency is added.
   */
  logPeSplit: boolean;
  /**
   * Registered key-buffer write port (address, row, per-lane enable one clock late), when
   * the popcount is pipelined and a bank has more than one word (see the template).
   */
  keyWriteReg: boolean;
  /**
   * Register stages from a beat's issue (the clock edge that takes its Q row or its next
   * key-buffer word) to the output register: operands, popcount stages, counts (+1 with
   * Log-PE: score sum). latency = 2 + popcountStages (+ 1).
   */
  latency: number;
}

/** Popcount architecture per target when the config says "auto" (docs/sv-style.md, popcount). */
export const AUTO_POPCOUNT: Record<TargetName, PopcountArch> = { ice40: 'carry-tree', generic: 'gpc63', xc7: 'xc7-chain' };

/**
 * Popcount logic levels per clock when `popcountPipeline` is "auto" (0: combinational).
 * iCE40: 4 — the key buffer's block-RAM read plus three carry-tree levels take 8.4–9.1 ns
 * on an HX8K, four levels about 10.5 ns (docs/xnor_attention.md, bench/xnor_fmax.ts); so
 * trees of 16 bits and more get one stage, of 256 and more two. Generic LUT6: none (no
 * place-and-route to measure it on); xc7: none (no 7-series place-and-route here either).
 */
export const AUTO_POPCOUNT_LEVELS: Record<TargetName, number> = { ice40: 4, generic: 0, xc7: 0 };

/** The popcount each lane instantiates, with its register stages: what the generator renders. */
export function enginePopcount(d: Pick<XnorDerived, 'countBits' | 'popcount' | 'match' | 'popcountPipe'>): PopcountPlan {
  return pipelinePlan(planPopcount(d.countBits, d.popcount, d.match), d.popcountPipe);
}

export function deriveXnor(cfg: ResolvedConfig): XnorDerived {
  const geometry = deriveGeometry(cfg);
  const dim = requireDim(cfg);
  const n = geometry.seqLen;
  if (cfg.lanes > n) {
    throw new ConfigError('lanes', cfg.lanes, `allowed: an integer from 1 to seqLen = ${n} (scores per output beat)`);
  }
  const gray = cfg.grayPe.enabled ? deriveGray(cfg) : null;
  const logPe = cfg.logPe.enabled ? deriveLogPe(cfg) : null;
  const logPeLanes = logPe ? deriveLogPeLanes(logPe, cfg.lanes) : null;
  const grayBits = gray ? gray.bits : 0;
  const maxBias = logPe ? logPe.maxBias : 0;
  const maxScore = dim + grayBits + maxBias;
  const lanes = cfg.lanes;
  const beats = Math.ceil(n / lanes);
  const popcount = cfg.popcount === 'auto' ? AUTO_POPCOUNT[cfg.target] : cfg.popcount;
  if (popcount === 'xc7-chain' && cfg.target !== 'xc7') {
    // LUT6_2 / CARRY4 primitives exist on AMD 7-series only; other flows would see black boxes.
    throw new ConfigError('popcount', popcount, 'allowed with target "xc7" only (it instantiates AMD 7-series LUT6_2 / CARRY4 primitives); with another target use "auto", "loop", "carry-tree" or "gpc63"');
  }
  const beatWidth = Math.max(1, clog2(beats));
  const keyAddrWidth = 1 + (beats > 1 ? beatWidth : 0);
  const countBits = dim + grayBits;
  const match = { andBits: cfg.similarity === 'and' ? dim : 0 };
  const levels = cfg.popcountPipeline === 'auto' ? AUTO_POPCOUNT_LEVELS[cfg.target] : cfg.popcountPipeline;
  // The first stage also holds the key-buffer read: one level of it is spent before the tree.
  const popcountPipe: PopcountPipe = { every: levels, lead: levels > 0 ? 1 : 0 };
  const popcountStages = enginePopcount({ countBits, popcount, match, popcountPipe }).stages.length;
  return {
    name: cfg.name,
    geometry,
    seqLen: n,
    timesteps: geometry.timesteps,
    dim,
    similarity: cfg.similarity,
    gray,
    logPe,
    logPeLanes,
    grayBits,
    maxBias,
    maxScore,
    scoreWidth: bitlen(maxScore),
    countBits,
    countWidth: bitlen(countBits),
    lanes,
    beats,
    lastLanes: n - (beats - 1) * lanes,
    idxWidth: indexWidth(n),
    beatWidth,
    laneWidth: Math.max(1, clog2(lanes)),
    keyBuffer: { words: 2 ** keyAddrWidth, width: dim + grayBits, addrWidth: keyAddrWidth, memories: lanes },
    popcount,
    popcountSource: cfg.popcount === 'auto' ? 'auto' : 'config',
    target: cfg.target,
    match,
    popcountPipe,
    popcountStages,
    logPeSplit: logPe !== null && logPe.impl === 'logic' && !logPe.grid && popcountStages >= 1,
    keyWriteReg: popcountStages >= 1 && beats > 1,
    latency: 2 + popcountStages + (logPe ? 1 : 0),
  };
}

/**
 * Clock cycles of a full-throughput run (no input gaps, no back-pressure) over `timesteps`
 * timesteps back to back (all sequences together), from reset release to the last score
 * beat inclusive: the first timestep's N keys load (N cycles), then N·beats score beats per
 * timestep with the next timestep's keys loading into the other buffer half meanwhile
 * (N ≤ N·beats, so they are always ready), then the pipeline latency.
 */
export function engineCycles(d: XnorDerived, timesteps: number): number {
  if (timesteps === 0) return 0;
  return d.seqLen + timesteps * d.seqLen * d.beats + d.latency;
}

/** The cycle formula in words, for the header, describe() and the docs. */
export function cycleFormula(d: XnorDerived): string {
  return (
    `N + M·N·ceil(N/Lanes) + ${d.latency} for M timesteps back to back (sequences included): ` +
    `${d.seqLen} + M·${d.seqLen * d.beats} + ${d.latency}; ` +
    `per timestep ${d.seqLen * d.beats} = N·ceil(N/Lanes), per sequence ${d.timesteps * d.seqLen * d.beats} = T·N·ceil(N/Lanes) ` +
    `(one sequence alone: ${engineCycles(d, d.timesteps)})`
  );
}
