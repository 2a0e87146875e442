/**
 * Automatic folding (`fold: "auto"`, `--fit DEVICE [--rate SEQ_PER_S]`), the way FINN's
 * folding pass works: enumerate the folds of a design (heads per engine, engine lanes,
 * membranes in registers or memory, neuron lanes, memory kind), estimate each with the
 * analytic resource model (src/estimate/, calibrated to Yosys), and pick
 *   - without a rate: the smallest fold that fits the device (fewest estimated logic cells),
 *   - with a rate: the cheapest fold that fits and reaches it at the assumed clock.
 * The estimate decides; place-and-route proves (`spikeforge synth --pnr`, docs/fpga.md).
 * Returns data; the CLI prints it.
 */
import { BOARDS } from '../blocks/ssa_head/board.js';
import type { FoldConfig, ResolvedConfig } from '../base/config.js';
import { ConfigError } from '../base/errors.js';
import { deriveDesign } from '../design/design.js';
import { estimateDerived } from '../estimate/index.js';
import { ICE40_DEVICES, ice40LogicCells, type Ice40Device } from '../targets/ice40.js';
import { pnrWrapper } from '../tools/pnr-shell.js';
import type { SsaDerived } from '../blocks/ssa_head/derive.js';
import { ssaCyclesPerSequence } from '../blocks/ssa_head/derive.js';
import type { LifDerived } from '../blocks/lif_array/derive.js';

/**
 * The clock a fold is assumed to reach when a rate is asked for (MHz): below the median
 * Fmax that nextpnr measured for the fitted folds of the paper presets (docs/fpga.md),
 * so a chosen fold reaches the rate on the device. `--clock` overrides it.
 */
export const ASSUMED_CLOCK_MHZ: Record<string, number> = { hx1k: 20, up5k: 18, hx8k: 20 };

/** Share of a device's logic cells a fold may fill by the estimate (routing needs room; the estimate is not exact). */
export const FIT_MARGIN = 0.92;

export interface FitRequest {
  /** An iCE40 device name, or "auto": the smallest device on which some fold fits. */
  device: string;
  /** Sequences per second to reach, or null: the smallest fold that fits. */
  sequencesPerSecond: number | null;
  /** Clock assumed for the rate; null: ASSUMED_CLOCK_MHZ of the device. */
  clockMHz: number | null;
}

export interface FoldPoint {
  lanes: number;
  fold: FoldConfig;
  estimate: { luts: number; ffs: number; carries: number; brams: number; sprams: number; logicCells: number };
  cyclesPerSequence: number;
  sequencesPerSecond: number;
  fits: boolean;
}

export interface FitReport {
  device: string;
  clockMHz: number;
  sequencesPerSecond: number | null;
  candidates: number;
  fitting: number;
  chosen: FoldPoint;
  /** One line: what was chosen and why. */
  summary: string;
}

const LANES = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 168, 256];

function divisors(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1).filter((k) => n % k === 0);
}

/** Every fold of the config worth estimating. */
function candidates(cfg: ResolvedConfig, device: Ice40Device): { lanes: number; fold: FoldConfig }[] {
  const kinds: FoldConfig['memory'][] = device.sprams > 0 ? ['bram', 'spram'] : ['bram'];
  const out: { lanes: number; fold: FoldConfig }[] = [];
  if (cfg.top === 'lif_array') {
    out.push({ lanes: cfg.lanes, fold: { headsPerEngine: 1, membranes: 'registers', neuronLanes: null, memory: 'auto' } });
    for (const memory of kinds) out.push({ lanes: cfg.lanes, fold: { headsPerEngine: 1, membranes: 'memory', neuronLanes: null, memory } });
    return out;
  }
  const n = cfg.grid ? cfg.grid.rows * cfg.grid.cols : (cfg.seqLen ?? 1);
  const d = cfg.dim ?? 1;
  const lanes = [...new Set([...LANES.filter((l) => l <= n), cfg.lanes])].sort((a, b) => a - b);
  for (const F of divisors(cfg.heads)) {
    for (const l of lanes) {
      out.push({ lanes: l, fold: { headsPerEngine: F, membranes: 'registers', neuronLanes: null, memory: 'auto' } });
      for (const L of divisors(d)) for (const memory of kinds) out.push({ lanes: l, fold: { headsPerEngine: F, membranes: 'memory', neuronLanes: L, memory } });
    }
  }
  return out;
}

function cyclesPerSequence(top: string, derived: unknown): number {
  if (top === 'ssa_head') return ssaCyclesPerSequence(derived as SsaDerived);
  const l = derived as LifDerived;
  return l.timesteps * l.groups + l.bubblesPerSequence;
}

function evaluate(cfg: ResolvedConfig, device: Ice40Device, clockMHz: number): FoldPoint[] {
  const points: FoldPoint[] = [];
  for (const c of candidates(cfg, device)) {
    let design;
    try {
      design = deriveDesign({ ...cfg, lanes: c.lanes, fold: c.fold });
    } catch (e) {
      if (e instanceof ConfigError) continue; // a fold the config does not allow
      throw e;
    }
    const e = estimateDerived(design.block.resources, design.derived, 'ice40');
    // The place-and-route shell adds a flip-flop per port bit: count it, since it is what
    // nextpnr places when `synth --pnr` proves the fit.
    const shell = pnrWrapper(design.block.ports(design.derived)).shellFfs;
    const logicCells = ice40LogicCells(e.luts, e.ffs + shell, e.carries);
    const cycles = cyclesPerSequence(cfg.top, design.derived);
    points.push({
      lanes: c.lanes,
      fold: c.fold,
      estimate: { luts: e.luts, ffs: e.ffs, carries: e.carries, brams: e.brams, sprams: e.sprams, logicCells },
      cyclesPerSequence: cycles,
      sequencesPerSecond: (clockMHz * 1e6) / cycles,
      fits: logicCells <= FIT_MARGIN * device.lcs && e.brams <= device.brams && e.sprams <= device.sprams,
    });
  }
  return points;
}

function pick(points: FoldPoint[], rate: number | null): FoldPoint | null {
  const ok = points.filter((p) => p.fits && (rate === null || p.sequencesPerSecond >= rate));
  // Fewest logic cells; among equals the faster, then fewer block RAMs.
  ok.sort((a, b) => a.estimate.logicCells - b.estimate.logicCells || b.sequencesPerSecond - a.sequencesPerSecond || a.estimate.brams - b.estimate.brams);
  return ok[0] ?? null;
}

function foldText(p: FoldPoint): string {
  const f = p.fold;
  const lif = f.membranes === 'memory' ? `membranes in ${f.memory}, ${f.neuronLanes ?? 'default'} neuron lane(s)` : 'membranes in registers';
  return `lanes ${p.lanes}, ${f.headsPerEngine} head(s) per engine, ${lif}`;
}

/**
 * Resolves the fold of `cfg` for a device: the config with the chosen `lanes` and `fold`,
 * and the report. Exit-2 errors (ConfigError) when nothing fits or the rate is out of reach.
 */
export function fitFold(cfg: ResolvedConfig, req: FitRequest, key = '--fit'): { config: ResolvedConfig; report: FitReport } {
  if (cfg.top !== 'ssa_head' && cfg.top !== 'lif_array') {
    throw new ConfigError('fold', 'auto', `allowed: "auto" and ${key} only with top "ssa_head" or "lif_array" (the blocks that fold); ${cfg.top} has no fold`);
  }
  const devices = req.device === 'auto' ? ICE40_DEVICES : ICE40_DEVICES.filter((d) => d.name === req.device);
  if (!devices.length) throw new ConfigError(key, req.device, `allowed: one of auto, ${ICE40_DEVICES.map((d) => d.name).join(', ')}`);
  const tried: string[] = [];
  for (const device of devices) {
    const clockMHz = req.clockMHz ?? ASSUMED_CLOCK_MHZ[device.name] ?? 20;
    const points = evaluate(cfg, device, clockMHz);
    const chosen = pick(points, req.sequencesPerSecond);
    const fitting = points.filter((p) => p.fits);
    if (!chosen) {
      const fastest = fitting.reduce<FoldPoint | null>((a, b) => (a && a.sequencesPerSecond >= b.sequencesPerSecond ? a : b), null);
      const smallest = points.reduce<FoldPoint | null>((a, b) => (a && a.estimate.logicCells <= b.estimate.logicCells ? a : b), null);
      tried.push(
        fastest
          ? `${device.name}: the fastest fold that fits (${foldText(fastest)}) reaches ${Math.floor(fastest.sequencesPerSecond)} sequences/s at ${clockMHz} MHz`
          : `${device.name} (${device.lcs} logic cells, ${device.brams} block RAMs, ${device.sprams} SPRAMs): the smallest fold (${smallest ? foldText(smallest) : 'none'}) needs about ${smallest?.estimate.logicCells ?? '?'} logic cells, ${smallest?.estimate.brams ?? '?'} block RAMs, ${smallest?.estimate.sprams ?? '?'} SPRAMs`,
      );
      continue;
    }
    const config: ResolvedConfig = { ...cfg, lanes: chosen.lanes, fold: chosen.fold };
    const why = req.sequencesPerSecond === null ? 'the smallest fold that fits' : `the cheapest fold that fits and reaches ${req.sequencesPerSecond} sequences/s`;
    const summary =
      `fit ${device.name}: ${why} (of ${fitting.length} fitting folds, ${points.length} estimated): ${foldText(chosen)}; ` +
      `estimated ${chosen.estimate.logicCells} logic cells (with the I/O shell) of ${device.lcs}, ${chosen.estimate.brams}/${device.brams} block RAMs, ${chosen.estimate.sprams}/${device.sprams} SPRAMs; ` +
      `${chosen.cyclesPerSequence} cycles per sequence, ${Math.floor(chosen.sequencesPerSecond)} sequences/s at an assumed ${clockMHz} MHz`;
    return {
      config,
      report: { device: device.name, clockMHz, sequencesPerSecond: req.sequencesPerSecond, candidates: points.length, fitting: fitting.length, chosen, summary },
    };
  }
  const what = req.sequencesPerSecond === null ? 'a device on which some fold of this design fits' : `a device on which some fold reaches ${req.sequencesPerSecond} sequences/s`;
  throw new ConfigError(req.sequencesPerSecond === null ? key : '--rate', req.sequencesPerSecond ?? req.device, `allowed: ${what} (${tried.join('; ')})`);
}

/** The config with its fold resolved: `--fit` given, or `fold: "auto"` (then for the HX8K unless told). */
export function resolveFold(cfg: ResolvedConfig, req: Partial<FitRequest>): { config: ResolvedConfig; report: FitReport | null } {
  if (req.device === undefined && cfg.fold !== 'auto') return { config: cfg, report: null };
  // Tops that do not fold ignore the key (docs/config.md); only an explicit --fit is an error.
  if (req.device === undefined && cfg.top !== 'ssa_head' && cfg.top !== 'lif_array') return { config: cfg, report: null };
  // A design with a board (docs/board.md) is fitted for the board's device unless told otherwise.
  const device = req.device ?? (cfg.board ? BOARDS[cfg.board.name].device : 'hx8k');
  return fitFold(cfg, { device, sequencesPerSecond: req.sequencesPerSecond ?? null, clockMHz: req.clockMHz ?? null });
}
