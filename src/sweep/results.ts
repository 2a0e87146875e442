/**
 * Sweep results: one record per point, the summary (status counts, estimator error, Pareto
 * front), and their files: results.json, results.csv (and report.html, src/sweep/report.ts).
 * `merge` joins the results of shards of one sweep.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputFileError } from '../base/errors.js';
import { canonicalJson } from '../base/hash.js';
import { median } from '../estimate/fit.js';
import type { EstimateSummary } from '../app/synth.js';
import type { PnrReport } from '../tools/nextpnr.js';
import type { SynthSettings } from './spec.js';
import type { OperationsEstimate } from '../estimate/operations.js';

export const RESULTS_FORMAT = 'spikeforge.sweep-results.v1';

export type PointStatus = 'ok' | 'estimated' | 'invalid' | 'failed' | 'timeout' | 'not-run';
export const STATUSES: PointStatus[] = ['ok', 'estimated', 'invalid', 'failed', 'timeout', 'not-run'];

export interface PointResult {
  index: number;
  /** Cache key (content hash of everything that decides the result); null for invalid points. */
  key: string | null;
  values: Record<string, unknown>;
  /**
   * ok: every requested step passed; estimated: valid, not synthesised (--synth none/top-K);
   * invalid: a config error; failed: a tool error or a co-simulation mismatch; timeout: a
   * tool run exceeded its time limit; not-run: the sweep was stopped (a signal) before the
   * point finished (never cached: the next run runs it).
   */
  status: PointStatus;
  /** The step that failed or timed out: config, generate, verify, synth, pnr. */
  stage: string | null;
  message: string | null;
  /** Config key named by a config error. */
  errorKey: string | null;
  top: string | null;
  configHash: string | null;
  derived: Record<string, string | number | boolean> | null;
  estimate: EstimateSummary | null;
  synth: {
    target: string;
    luts: number;
    ffs: number;
    carries: number;
    brams: number;
    depth: number | null;
    cells: Record<string, number>;
    seconds: number;
  } | null;
  pnr: PnrReport | null;
  verify: { vectors: number; cases: number; values: number; measuredCycles: number; expectedCycles: number | null } | null;
  /** Operations and arithmetic energy per sequence at the sweep's assumed spike rate (docs/energy.md); null without arithmetic per inference or for invalid points. */
  operations: OperationsEstimate | null;
  metrics: {
    /** Work items per clock at full throughput (the block's rate), or measured by co-simulation. */
    itemsPerCycle: number | null;
    item: string | null;
    fmaxMHz: number | null;
    /** Items per second: Fmax × items per cycle. */
    throughput: number | null;
    /** (estimate − Yosys) / Yosys LUTs, percent. */
    lutErrorPct: number | null;
    ffErrorPct: number | null;
  };
  /** Time limit per tool run used for this point. */
  timeoutSeconds: number;
  /** Wall time of this point's work when it was computed (not when read from the cache). */
  seconds: number;
}

export interface SweepInfo {
  name: string;
  file: string;
  definitionHash: string;
  axes: { key: string; values: unknown[] }[];
  synth: SynthSettings;
  /** all | none | top-K */
  synthMode: string;
  verify: number;
  /** Spike rate assumed for the operation counts (points' `operations`). */
  spikeRate: number;
  totalPoints: number;
  /** The shards these results cover ("1/2"), or null for the whole sweep. */
  shards: string[] | null;
}

export interface SweepSummary {
  points: number;
  counts: Record<PointStatus, number>;
  estimator: {
    /** Points with both an estimate and a Yosys count. */
    compared: number;
    medianAbsLutErrorPct: number | null;
    medianAbsFfErrorPct: number | null;
    maxAbsLutErrorPct: number | null;
  };
  /** Indices of the points on the Pareto front of area (LUTs) against throughput. */
  pareto: number[];
  /** What the throughput axis is: items per second (Fmax known for all) or items per cycle. */
  throughputBasis: 'per-second' | 'per-cycle' | null;
}

export interface SweepResults {
  format: typeof RESULTS_FORMAT;
  sweep: SweepInfo;
  summary: SweepSummary;
  points: PointResult[];
}

/** LUTs used as "area": Yosys's count when synthesised, else the estimate. */
export function areaOf(p: PointResult): number | null {
  return p.synth?.luts ?? p.estimate?.luts ?? null;
}

/**
 * Items per second when place-and-route gave an Fmax (points without one — not synthesised,
 * failed, too big for the device — are then left out of the throughput plot and the Pareto
 * front), else items per clock cycle for every point with a rate.
 */
export function throughputBasis(points: PointResult[]): 'per-second' | 'per-cycle' | null {
  if (points.some((p) => p.metrics.throughput !== null)) return 'per-second';
  return points.some((p) => p.metrics.itemsPerCycle !== null && areaOf(p) !== null) ? 'per-cycle' : null;
}

export function throughputOf(p: PointResult, basis: 'per-second' | 'per-cycle' | null): number | null {
  if (basis === 'per-second') return p.metrics.throughput;
  if (basis === 'per-cycle') return p.metrics.itemsPerCycle;
  return null;
}

/** Non-dominated points: no other point has ≤ area and ≥ throughput with one strictly better. */
export function paretoFront(points: PointResult[], basis: 'per-second' | 'per-cycle' | null): number[] {
  const cand = points
    .filter((p) => p.status !== 'not-run')
    .map((p) => ({ i: p.index, a: areaOf(p), t: throughputOf(p, basis) }))
    .filter((c): c is { i: number; a: number; t: number } => c.a !== null && c.t !== null && (c.t > 0));
  cand.sort((x, y) => x.a - y.a || y.t - x.t || x.i - y.i);
  const front: number[] = [];
  let best = -Infinity;
  for (const c of cand) {
    if (c.t > best) {
      front.push(c.i);
      best = c.t;
    }
  }
  return front;
}

export function summarize(points: PointResult[]): SweepSummary {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<PointStatus, number>;
  for (const p of points) counts[p.status]++;
  const lutErr = points.map((p) => p.metrics.lutErrorPct).filter((v): v is number => v !== null);
  const ffErr = points.map((p) => p.metrics.ffErrorPct).filter((v): v is number => v !== null);
  const basis = throughputBasis(points);
  const r1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    points: points.length,
    counts,
    estimator: {
      compared: lutErr.length,
      medianAbsLutErrorPct: r1(median(lutErr.map(Math.abs))),
      medianAbsFfErrorPct: r1(median(ffErr.map(Math.abs))),
      maxAbsLutErrorPct: lutErr.length ? r1(Math.max(...lutErr.map(Math.abs))) : null,
    },
    pareto: paretoFront(points, basis),
    throughputBasis: basis,
  };
}

export function buildResults(sweep: SweepInfo, points: PointResult[]): SweepResults {
  const sorted = [...points].sort((a, b) => a.index - b.index);
  return { format: RESULTS_FORMAT, sweep, summary: summarize(sorted), points: sorted };
}

// ---------------------------------------------------------------------------------- CSV

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : canonicalJson(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function resultsCsv(r: SweepResults): string {
  const axisKeys = r.sweep.axes.map((a) => a.key);
  const header = [
    'index',
    'status',
    ...axisKeys,
    'luts',
    'ffs',
    'carries',
    'brams',
    'depth',
    'fmax_mhz',
    'device',
    'logic_cells',
    'items_per_cycle',
    'item',
    'throughput_per_s',
    'est_luts',
    'est_ffs',
    'est_carries',
    'est_brams',
    'lut_error_pct',
    'ff_error_pct',
    'pareto',
    'sops_per_seq',
    'ops_per_seq',
    'energy_pj_per_seq',
    'verify_cases',
    'verify_cycles',
    'stage',
    'message',
    'seconds',
    'key',
  ];
  const pareto = new Set(r.summary.pareto);
  const rows = r.points.map((p) => [
    p.index,
    p.status,
    ...axisKeys.map((k) => p.values[k]),
    p.synth?.luts,
    p.synth?.ffs,
    p.synth?.carries,
    p.synth?.brams,
    p.synth?.depth,
    p.pnr?.fmaxMHz,
    p.pnr?.device,
    p.pnr?.lcs,
    p.metrics.itemsPerCycle,
    p.metrics.item,
    p.metrics.throughput === null ? null : Math.round(p.metrics.throughput),
    p.estimate?.luts,
    p.estimate?.ffs,
    p.estimate?.carries,
    p.estimate?.brams,
    p.metrics.lutErrorPct,
    p.metrics.ffErrorPct,
    pareto.has(p.index) ? 1 : 0,
    p.operations?.synapticOps,
    p.operations?.totalOps,
    p.operations?.energyPj,
    p.verify?.cases,
    p.verify?.measuredCycles,
    p.stage,
    p.message === null ? null : p.message.split('\n')[0],
    p.seconds,
    p.key,
  ]);
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}

// -------------------------------------------------------------------------------- merge

export function readResults(dir: string): SweepResults {
  const path = join(resolve(dir), 'results.json');
  if (!existsSync(path)) throw new InputFileError('SF_CONFIG_UNREADABLE', `${dir} holds no results.json (is it a sweep output folder?)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputFileError('SF_CONFIG_UNREADABLE', `${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || (raw as { format?: unknown }).format !== RESULTS_FORMAT) {
    throw new InputFileError('SF_CONFIG_UNREADABLE', `${path} is not a ${RESULTS_FORMAT} file`);
  }
  return raw as SweepResults;
}

/** Joins shard results of one sweep; every input must come from the same sweep definition. */
export function mergeResults(parts: { dir: string; results: SweepResults }[]): SweepResults {
  const first = parts[0]!;
  const byIndex = new Map<number, PointResult>();
  const shards: string[] = [];
  for (const { dir, results } of parts) {
    if (results.sweep.definitionHash !== first.results.sweep.definitionHash) {
      throw new InputFileError(
        'SF_CONFIG_UNREADABLE',
        `${dir} holds results of another sweep definition (${results.sweep.name}, ${results.sweep.definitionHash}) than ${first.dir} (${first.results.sweep.name}, ${first.results.sweep.definitionHash}); merge joins shards of one sweep`,
      );
    }
    if (results.sweep.synthMode !== first.results.sweep.synthMode) {
      throw new InputFileError('SF_CONFIG_UNREADABLE', `${dir} ran with --synth ${results.sweep.synthMode}, ${first.dir} with --synth ${first.results.sweep.synthMode}`);
    }
    shards.push(...(results.sweep.shards ?? ['1/1']));
    for (const p of results.points) {
      const have = byIndex.get(p.index);
      // The same point in two folders (overlapping shards, or a re-run): keep the more useful record.
      const rank = (q: PointResult) => STATUSES.indexOf(q.status);
      if (!have || rank(p) < rank(have)) byIndex.set(p.index, p);
    }
  }
  const covered = new Set(shards);
  const whole = covered.has('1/1') || (() => {
    const ns = new Set([...covered].map((s) => s.split('/')[1]));
    if (ns.size !== 1) return false;
    const n = Number([...ns][0]);
    return Array.from({ length: n }, (_, k) => `${k + 1}/${n}`).every((s) => covered.has(s));
  })();
  const sweep: SweepInfo = { ...first.results.sweep, shards: whole && byIndex.size === first.results.sweep.totalPoints ? null : [...covered].sort() };
  return buildResults(sweep, [...byIndex.values()]);
}

/**
 * What merged results lack for the whole sweep: points in no folder, points a stopped shard
 * did not run, and (when every folder came from a split into the same N) the shards missing.
 */
export function missingPoints(r: SweepResults): { missing: number[]; notRun: number[]; shards: string[] } {
  const have = new Set(r.points.map((p) => p.index));
  const missing = Array.from({ length: r.sweep.totalPoints }, (_, i) => i).filter((i) => !have.has(i));
  const notRun = r.points.filter((p) => p.status === 'not-run').map((p) => p.index);
  let shards: string[] = [];
  const covered = r.sweep.shards;
  if (covered && missing.length) {
    const ns = new Set(covered.map((s) => s.split('/')[1]));
    if (ns.size === 1) {
      const n = Number([...ns][0]);
      shards = Array.from({ length: n }, (_, k) => `${k + 1}/${n}`).filter((s) => !covered.includes(s));
    }
  }
  return { missing, notRun, shards };
}
