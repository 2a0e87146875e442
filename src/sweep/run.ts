/**
 * Running a sweep: every point (of one shard) is resolved, derived and estimated; the
 * chosen ones are generated, optionally co-simulated and synthesised, `jobs` at a time.
 * Each finished point is written to <out>/points/<key>.json (atomically) under a content
 * hash of everything that decides its result, so a re-run or a resumed run reads it back
 * instead of redoing it. A config error, a tool failure or a time-out is recorded in the
 * point; the sweep goes on.
 */
import type { TargetName } from '../targets/index.js';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import type { ResolvedConfig } from '../base/config.js';
import { CacheError, ConfigError, errnoOf, InputFileError, InterruptedError, MismatchError, OutputError, SpikeforgeError, ToolTimeoutError } from '../base/errors.js';
import { stopReason, stopSignal } from '../base/interrupt.js';
import { cacheDir, removeAbandoned, removeStaleTemps, TEMP_OWNER } from '../base/cache-dir.js';
import { deriveDesign, generateDesign } from '../design/design.js';
import { shortHash } from '../base/hash.js';
import { VERSION } from '../base/version.js';
import { CONFIG_FORMAT } from '../base/config-format.js';
import { assumedRates, operationsPerSequence, type OperationsEstimate } from '../estimate/operations.js';
import { verifyDesign } from '../app/verify.js';
import { errorPct } from '../estimate/fit.js';
import { estimateDerived, resourceModelFor } from '../estimate/index.js';
import { resolveConfigWithWarnings } from '../io/config-file.js';
import { atOutput, makeOutputDir, writeFileAtomically } from '../io/write.js';
import { synthDesign, type EstimateSummary } from '../app/synth.js';
import { placeAndRoute } from '../tools/nextpnr.js';
import { requireTool, toolVersion } from '../tools/run.js';
import { formatDuration, runPool } from '../base/pool.js';
import { writeReport } from './report.js';
import { buildResults, resultsCsv, type PointResult, type SweepInfo, type SweepResults } from './results.js';
import { describePoint, expandPoints, inShard, SweepFileError, timeoutFor, type Shard, type SweepPoint, type SweepSpec } from './spec.js';

/** Bump when the meaning of a cached point record changes. */
const CACHE_VERSION = 1;

export type SynthMode = { mode: 'all' } | { mode: 'none' } | { mode: 'top'; k: number };

export function parseSynthMode(text: string): SynthMode {
  if (text === 'all' || text === 'none') return { mode: text };
  const m = /^top-(\d+)$/.exec(text);
  if (m && Number(m[1]) >= 1) return { mode: 'top', k: Number(m[1]) };
  throw new SweepFileError('--synth', text, 'allowed: all, none, or top-K with K ≥ 1 (synthesise the K most promising points by the estimate)');
}

export function synthModeText(m: SynthMode): string {
  return m.mode === 'top' ? `top-${m.k}` : m.mode;
}

export interface SweepRunOptions {
  out: string;
  jobs: number;
  /** The slice to run (null: every point); `from` says where K and N came from (src/sweep/shard.ts). */
  shard: (Shard & { from?: string }) | null;
  /** Co-simulation vectors per point (0: none); default from the sweep file. */
  verify?: number;
  synth: SynthMode;
  /** Re-run points whose cached result is failed or timeout. */
  retryFailed: boolean;
  /** Reuse Yosys's and nextpnr's output of an identical earlier run (src/tools/check-cache.ts); default true. */
  toolCache?: boolean;
  /** One progress line (replaced in place on a terminal). */
  progress: (line: string, final: boolean) => void;
}

export interface SweepRunOutcome {
  results: SweepResults;
  out: string;
  ran: number;
  cached: number;
  seconds: number;
  /** Stopped by a signal: the points not finished are recorded as not-run. */
  interrupted: boolean;
  /** Points not run because of the stop. */
  notRun: number;
  /** Messages for the user: configs migrated from an older format (SPEC §8), one line per change. */
  warnings: string[];
}

interface Prepared {
  point: SweepPoint;
  cfg: ResolvedConfig | null;
  derived: unknown;
  /** Set when the point ends before running: a config error (invalid) or a generator fault (failed). */
  invalid: PointResult | null;
  estimate: EstimateSummary | null;
  operations: OperationsEstimate | null;
  synth: boolean;
  key: string | null;
  timeout: number;
}

export function defaultJobs(): number {
  return availableParallelism();
}

function baseRecord(p: SweepPoint, timeout: number): PointResult {
  return {
    index: p.index,
    key: null,
    values: p.values,
    status: 'ok',
    stage: null,
    message: null,
    errorKey: null,
    top: typeof p.config['top'] === 'string' ? p.config['top'] : null,
    configHash: null,
    derived: null,
    estimate: null,
    synth: null,
    pnr: null,
    verify: null,
    operations: null,
    metrics: { itemsPerCycle: null, item: null, fmaxMHz: null, throughput: null, lutErrorPct: null, ffErrorPct: null },
    timeoutSeconds: timeout,
    seconds: 0,
  };
}

function invalidRecord(p: SweepPoint, timeout: number, e: SpikeforgeError, stage: string): PointResult {
  return {
    ...baseRecord(p, timeout),
    status: 'invalid',
    stage,
    message: e.message.replace(/^point \d+: /, ''),
    errorKey: e instanceof ConfigError ? e.key : null,
  };
}

/**
 * Resolve, derive and estimate every point (cheap: no RTL, no tools). What migrating the
 * points' configs from an older format changed goes into `migrated` (change → points).
 */
function prepare(spec: SweepSpec, points: SweepPoint[], target: TargetName, migrated: Map<string, number[]>): Prepared[] {
  return points.map((point) => {
    const timeout = timeoutFor(spec, point);
    try {
      const loaded = resolveConfigWithWarnings(point.config, spec.baseDir, `point ${point.index}`);
      const cfg = loaded.config;
      for (const c of loaded.migration.changes) migrated.set(c, [...(migrated.get(c) ?? []), point.index]);
      const { derived } = deriveDesign(cfg);
      const model = resourceModelFor(cfg.top);
      let estimate: EstimateSummary | null = null;
      if (model) {
        const e = estimateDerived(model, derived, target);
        estimate = { luts: e.luts, ffs: e.ffs, carries: e.carries, brams: e.brams, sprams: e.sprams, memoryBits: e.memoryBits, itemsPerCycle: e.rate.itemsPerCycle, item: e.rate.item, calibrated: e.calibrated };
      }
      const operations = operationsPerSequence(cfg.top, derived, assumedRates(spec.spikeRate));
      return { point, cfg, derived, invalid: null, estimate, operations, synth: false, key: null, timeout };
    } catch (e) {
      if (e instanceof ConfigError || e instanceof InputFileError) {
        return { point, cfg: null, derived: null, invalid: invalidRecord(point, timeout, e, 'config'), estimate: null, operations: null, synth: false, key: null, timeout };
      }
      // A bug in a block's derive() or resource model: this point fails, the sweep goes on.
      const failed: PointResult = { ...baseRecord(point, timeout), status: 'failed', stage: 'derive', message: `internal error: ${(e as Error).stack ?? String(e)}` };
      return { point, cfg: null, derived: null, invalid: failed, estimate: null, operations: null, synth: false, key: null, timeout };
    }
  });
}

/**
 * The K most promising valid points by the estimate: Pareto layers of (estimated LUTs,
 * items per cycle) first, then items per cycle per LUT. Computed over the whole sweep so
 * every shard picks the same points.
 */
export function topK(prepared: Prepared[], k: number): Set<number> {
  const cand = prepared.filter((p) => !p.invalid && p.estimate);
  let rest = cand.map((p) => ({ i: p.point.index, a: Math.max(1, p.estimate!.luts), t: p.estimate!.itemsPerCycle }));
  const chosen: number[] = [];
  while (rest.length && chosen.length < k) {
    const layer = rest.filter((x) => !rest.some((y) => y !== x && y.a <= x.a && y.t >= x.t && (y.a < x.a || y.t > x.t)));
    layer.sort((x, y) => y.t / y.a - x.t / x.a || x.i - y.i);
    for (const x of layer) if (chosen.length < k) chosen.push(x.i);
    const inLayer = new Set(layer.map((x) => x.i));
    rest = rest.filter((x) => !inLayer.has(x.i));
  }
  return new Set(chosen);
}

async function toolKey(spec: SweepSpec, anySynth: boolean, verify: number): Promise<Record<string, string>> {
  const tools: Record<string, string> = {};
  if (anySynth) {
    tools['yosys'] = await toolVersion('yosys', '-V');
    if (spec.synth.pnr) tools['nextpnr'] = await toolVersion('nextpnr-ice40', '--version');
  }
  if (verify > 0) {
    await requireTool('verilator');
    tools['verilator'] = await toolVersion('verilator');
  }
  return tools;
}

function readCached(file: string): PointResult | null {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as { cacheVersion?: number; result?: PointResult };
    return r.cacheVersion === CACHE_VERSION && r.result ? r.result : null;
  } catch {
    return null; // a damaged cache entry is recomputed
  }
}

function reusable(r: PointResult, timeout: number, retryFailed: boolean): boolean {
  if (r.status === 'timeout') return !retryFailed && r.timeoutSeconds >= timeout;
  if (r.status === 'failed') return !retryFailed;
  return true;
}

function withMetrics(r: PointResult): PointResult {
  const est = r.estimate;
  let itemsPerCycle = est?.itemsPerCycle ?? null;
  let item = est?.item ?? null;
  if (itemsPerCycle === null && r.verify && r.verify.measuredCycles > 0) {
    itemsPerCycle = r.verify.values / r.verify.measuredCycles;
    item = 'output values';
  }
  const fmax = r.pnr?.fmaxMHz ?? null;
  const pct = (e: number | undefined, m: number | undefined) => (e === undefined || m === undefined ? null : errorPct(e, m));
  const r1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    ...r,
    metrics: {
      itemsPerCycle: itemsPerCycle === null ? null : Math.round(itemsPerCycle * 10000) / 10000,
      item,
      fmaxMHz: fmax,
      throughput: fmax !== null && itemsPerCycle !== null ? fmax * 1e6 * itemsPerCycle : null,
      lutErrorPct: r1(pct(est?.luts, r.synth?.luts)),
      ffErrorPct: r1(pct(est?.ffs, r.synth?.ffs)),
    },
  };
}

/**
 * Runs one point. Returns null when the point did not finish because the sweep was
 * stopped (a signal): whatever went wrong after a stop was requested — a tool killed by
 * it, a read of its missing output — is "not run", never "failed". A CacheError (the
 * environment, not the point) ends the sweep.
 */
async function runPoint(spec: SweepSpec, p: Prepared, verify: number, traceRoot: string, toolCache: boolean): Promise<PointResult | null> {
  const started = performance.now();
  const rec: PointResult = { ...baseRecord(p.point, p.timeout), key: p.key, estimate: p.estimate, operations: p.operations };
  const finish = (r: PointResult) => withMetrics({ ...r, seconds: Math.round((performance.now() - started) / 10) / 100 });
  let stage = 'generate';
  try {
    const design = generateDesign(p.cfg!);
    rec.top = design.config.top;
    rec.configHash = design.configHash;
    rec.derived = design.block.describe(design.derived);
    if (verify > 0) {
      stage = 'verify';
      const v = await verifyDesign(design, { vectors: verify, seed: 1, trace: false, traceDir: join(traceRoot, `point-${p.point.index}`) });
      rec.verify = { vectors: verify, cases: v.cases, values: v.values, measuredCycles: v.measuredCycles, expectedCycles: v.expectedCycles };
    }
    if (p.synth) {
      stage = 'synth';
      const s = await synthDesign(design, { target: spec.synth.target, pnr: false, device: spec.synth.device, seed: spec.synth.seed, timeoutSeconds: p.timeout, cache: toolCache });
      rec.synth = { target: s.target, luts: s.luts, ffs: s.ffs, carries: s.carries, brams: s.brams, depth: s.depth, cells: s.cells, seconds: s.seconds };
      if (spec.synth.pnr) {
        stage = 'pnr';
        const pr = await placeAndRoute(design.files, design.block.ports(design.derived), { luts: s.luts, ffs: s.ffs, carries: s.carries, brams: s.brams, sprams: s.sprams }, {
          device: s.device ?? spec.synth.device,
          seed: spec.synth.seed,
          timeoutSeconds: p.timeout,
          cache: toolCache,
        });
        rec.pnr = { ...pr, seconds: Math.round(pr.seconds * 100) / 100 };
      }
    } else {
      rec.status = 'estimated';
    }
    return finish(rec);
  } catch (e) {
    if (e instanceof InterruptedError || stopSignal.aborted) return null;
    if (e instanceof CacheError) throw e;
    if (e instanceof ConfigError || e instanceof InputFileError) return finish({ ...rec, status: 'invalid', stage, message: e.message, errorKey: e instanceof ConfigError ? e.key : null });
    if (e instanceof ToolTimeoutError) return finish({ ...rec, status: 'timeout', stage, message: e.message });
    if (e instanceof MismatchError || e instanceof SpikeforgeError) return finish({ ...rec, status: 'failed', stage, message: e.message });
    return finish({ ...rec, status: 'failed', stage, message: `internal error: ${(e as Error).stack ?? String(e)}` });
  }
}

export function sweepOutDir(spec: SweepSpec, out: string | undefined, shard: Shard | null): string {
  if (out) return resolve(out);
  return resolve('rtl-out', 'sweeps', shard ? `${spec.name}-shard-${shard.k}-of-${shard.n}` : spec.name);
}

/** results.json, results.csv and report.html, each written atomically. */
export function writeOutputs(out: string, results: SweepResults): void {
  writeFileAtomically(join(out, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
  writeFileAtomically(join(out, 'results.csv'), resultsCsv(results));
  writeReport(join(out, 'report.html'), results);
}

export async function runSweep(spec: SweepSpec, opts: SweepRunOptions): Promise<SweepRunOutcome> {
  const started = performance.now();
  const out = resolve(opts.out);
  const verify = opts.verify ?? spec.verify;
  const all = expandPoints(spec);
  const migrated = new Map<string, number[]>();
  const prepared = prepare(spec, all, spec.synth.target, migrated);
  const warnings = [...migrated].map(
    ([change, pts]) => `${spec.file}: the configs of ${pts.length === all.length ? 'every point' : `${pts.length} of ${all.length} points`} are in an older config format (no "format" key: v1) and were migrated to ${CONFIG_FORMAT}: ${change}; write "format": "${CONFIG_FORMAT}" in the base config with the new values to silence this`,
  );
  const picked =
    opts.synth.mode === 'all'
      ? new Set(prepared.filter((p) => !p.invalid).map((p) => p.point.index))
      : opts.synth.mode === 'none'
        ? new Set<number>()
        : (() => {
            const noModel = prepared.find((p) => !p.invalid && !p.estimate);
            if (noModel) {
              throw new SweepFileError('--synth', synthModeText(opts.synth), `top-K ranks points by the resource estimate, and block "${noModel.cfg!.top}" has no resource model yet (src/estimate/blocks/); use --synth all or none`);
            }
            return topK(prepared, opts.synth.k);
          })();
  const mine = prepared.filter((p) => inShard(p.point.index, opts.shard));
  for (const p of mine) p.synth = picked.has(p.point.index);
  const tools = await toolKey(spec, mine.some((p) => p.synth), verify);
  for (const p of mine) {
    if (p.invalid) continue;
    // The generated files are part of the key: a generator change re-runs the points it
    // affects even when the version number stayed the same.
    let rtl: string;
    try {
      rtl = shortHash(generateDesign(p.cfg!).files.map((f) => [f.path, f.content]));
    } catch (e) {
      const stage = 'generate';
      p.invalid =
        e instanceof ConfigError || e instanceof InputFileError
          ? invalidRecord(p.point, p.timeout, e, stage)
          : { ...baseRecord(p.point, p.timeout), status: 'failed', stage, message: `internal error: ${(e as Error).stack ?? String(e)}` };
      continue;
    }
    p.key = shortHash({
      cache: CACHE_VERSION,
      version: VERSION,
      config: p.cfg,
      rtl,
      verify: verify > 0 ? { vectors: verify, seed: 1, verilator: tools['verilator'] } : null,
      synth: p.synth ? { target: spec.synth.target, pnr: spec.synth.pnr, device: spec.synth.pnr ? spec.synth.device : null, seed: spec.synth.pnr ? spec.synth.seed : null, yosys: tools['yosys'], nextpnr: tools['nextpnr'] ?? null } : null,
    });
  }

  const pointsDir = join(out, 'points');
  makeOutputDir(pointsDir);
  claimShardFolder(out, opts.shard);
  // A run killed without a chance to clean up (SIGKILL) left temporary files: they are
  // never read as results; remove them, and the cache's temporary folders, now.
  removeStaleTempFiles(pointsDir);
  removeStaleTempFiles(out);
  removeStaleTemps(cacheDir());
  const logFile = join(out, 'sweep.log');
  const log = (line: string) => atOutput(logFile, () => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`));
  const info: SweepInfo = {
    name: spec.name,
    file: spec.file,
    definitionHash: spec.definitionHash,
    axes: spec.axes,
    synth: spec.synth,
    synthMode: synthModeText(opts.synth),
    verify,
    spikeRate: spec.spikeRate,
    totalPoints: all.length,
    shards: opts.shard ? [`${opts.shard.k}/${opts.shard.n}`] : null,
  };
  log(`start: ${spec.name} (${spec.file}), ${mine.length} of ${all.length} points${opts.shard ? `, shard ${opts.shard.k}/${opts.shard.n}${opts.shard.from ? ` (${opts.shard.from})` : ''}` : ''}, jobs ${opts.jobs}, synth ${info.synthMode}, verify ${verify}`);

  const done = new Map<number, PointResult>();
  const todo: Prepared[] = [];
  let cached = 0;
  for (const p of mine) {
    if (p.invalid) {
      done.set(p.point.index, p.invalid);
      continue;
    }
    const file = join(pointsDir, `${p.key}.json`);
    const hit = existsSync(file) ? readCached(file) : null;
    if (hit && reusable(hit, p.timeout, opts.retryFailed)) {
      // Axis values and limits are presentation: take the current ones.
      done.set(p.point.index, withMetrics({ ...hit, index: p.point.index, values: p.point.values, estimate: p.estimate ?? hit.estimate, operations: p.operations }));
      cached++;
      log(`cached: point ${p.point.index} (${describePoint(p.point.values)}) ${hit.status} [${p.key}]`);
    } else {
      todo.push(p);
    }
  }

  const counts: Record<string, number> = {};
  for (const r of done.values()) counts[r.status] = (counts[r.status] ?? 0) + 1;
  const total = mine.length;
  const freshStart = performance.now();
  let fresh = 0;
  let lastWrite = 0;
  const snapshot = () => buildResults(info, [...done.values()]);
  const line = (last: string) => {
    const n = done.size;
    const elapsed = (performance.now() - freshStart) / 1000;
    const eta = fresh > 0 ? ((todo.length - fresh) * elapsed) / fresh : NaN;
    const c = ['ok', 'estimated', 'invalid', 'failed', 'timeout'].filter((s) => counts[s]).map((s) => `${s} ${counts[s]}`).join(', ');
    const detail = [c, cached ? `${cached} cached` : ''].filter(Boolean).join('; ');
    return `sweep ${spec.name}: ${n}/${total} (${total ? Math.floor((100 * n) / total) : 100}%)${detail ? ` [${detail}]` : ''} elapsed ${formatDuration(elapsed)}, ETA ${fresh < todo.length ? formatDuration(eta) : '0s'}${last ? ` | ${last}` : ''}`;
  };
  opts.progress(line(todo.length ? `${todo.length} to run, ${opts.jobs} at a time` : 'everything cached'), false);

  await runPool(
    todo,
    opts.jobs,
    async (p) => {
      log(`start: point ${p.point.index} (${describePoint(p.point.values)}) [${p.key}]`);
      const r = await runPoint(spec, p, verify, join(out, 'traces'), opts.toolCache ?? true);
      if (r === null) {
        log(`not run: point ${p.point.index} (${describePoint(p.point.values)}): stopped by ${stopReason() ?? 'a signal'} [${p.key}]`);
        return;
      }
      writeFileAtomically(join(pointsDir, `${p.key}.json`), `${JSON.stringify({ cacheVersion: CACHE_VERSION, result: r }, null, 1)}\n`);
      done.set(p.point.index, r);
      fresh++;
      counts[r.status] = (counts[r.status] ?? 0) + 1;
      log(`done: point ${p.point.index} ${r.status}${r.stage && r.status !== 'ok' && r.status !== 'estimated' ? ` at ${r.stage}` : ''} in ${r.seconds} s [${p.key}]${r.message && r.status !== 'ok' ? `: ${r.message.split('\n')[0]}` : ''}`);
      const lut = r.synth ? ` ${r.synth.luts} LUT` : '';
      const fmax = r.pnr?.fmaxMHz ? ` ${r.pnr.fmaxMHz} MHz` : '';
      opts.progress(line(`#${p.point.index} ${describePoint(p.point.values)}: ${r.status}${lut}${fmax} (${r.seconds.toFixed(1)} s)`), false);
      if (performance.now() - lastWrite > 2000) {
        lastWrite = performance.now();
        writeOutputs(out, snapshot());
      }
    },
    () => stopSignal.aborted,
  );

  // Points the stop cut short or never started: recorded as not run, never cached.
  const notRun = todo.filter((p) => !done.has(p.point.index));
  const interrupted = notRun.length > 0;
  const sig = stopReason() ?? 'a signal';
  opts.progress(line(interrupted ? `stopped by ${sig}: ${notRun.length} not run` : 'done'), true);
  for (const p of notRun) {
    done.set(p.point.index, { ...baseRecord(p.point, p.timeout), key: p.key, estimate: p.estimate, operations: p.operations, status: 'not-run', message: `not run: the sweep was stopped by ${sig}` });
  }
  const results = snapshot();
  writeOutputs(out, results);
  log(`${interrupted ? `stopped by ${sig}` : 'finished'}: ${done.size - notRun.length}/${total} points, ${fresh} run, ${cached} cached, ${notRun.length} not run, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { results, out, ran: fresh, cached, seconds: (performance.now() - started) / 1000, interrupted, notRun: notRun.length, warnings };
}

/** Marks a shard's folder as that shard's (`.spikeforge-shard`). */
export const SHARD_CLAIM = '.spikeforge-shard';

/**
 * One folder per shard: the first sharded run in a folder claims it for its K/N (created
 * exclusively, so two shards starting at once cannot both take it); another shard is
 * refused (exit 2) instead of overwriting the first one's results.json with its own slice.
 * The same shard again (a resumed or re-queued task) is welcome.
 */
function claimShardFolder(out: string, shard: Shard | null): void {
  if (!shard) return;
  const path = join(out, SHARD_CLAIM);
  const mine = `${shard.k}/${shard.n}`;
  atOutput(path, () => {
    try {
      writeFileSync(path, `${mine}\n`, { flag: 'wx' });
      return;
    } catch (e) {
      if (errnoOf(e) !== 'EEXIST') throw e;
    }
    const theirs = readFileSync(path, 'utf8').trim();
    if (theirs !== mine) {
      throw new OutputError(
        `${out} holds shard ${theirs} of a sweep; shard ${mine} needs a folder of its own (the default rtl-out/sweeps/<name>-shard-K-of-N, ` +
          `or another -o per shard), or remove ${path} if that shard's results are no longer wanted`,
      );
    }
  });
}

const ATOMIC_TEMP = new RegExp(`\\.tmp-${TEMP_OWNER}[0-9a-f]+$`);

/**
 * Temporary files of writeFileAtomically (`<name>.tmp-<pid>-<machine>-<hex>`) whose owner
 * is gone: on this machine its process, on another one (a shard folder on a shared file
 * system) only after a day (src/base/cache-dir.ts).
 */
function removeStaleTempFiles(dir: string): void {
  removeAbandoned(dir, ATOMIC_TEMP);
}
