/**
 * `synth`: Yosys synthesis of a generated design (src/tools/yosys.ts) and, on iCE40,
 * optional nextpnr place-and-route for Fmax (src/tools/nextpnr.ts), with the analytic
 * estimate alongside. Returns data; the CLI prints it and writes synth-<target>.json.
 */
import type { Design } from '../design/design.js';
import { errorPct } from '../estimate/fit.js';
import { estimateDerived, resourceModelFor } from '../estimate/index.js';
import { pickDevice, placeAndRoute, type PnrReport } from '../tools/nextpnr.js';
import { pnrWrapper } from '../tools/pnr-shell.js';
import { ICE40_DEVICES } from '../targets/ice40.js';
import { toolVersion } from '../tools/run.js';
import { synthesize } from '../tools/yosys.js';
import { targetFor, type TargetName } from '../targets/index.js';
import { assumedRates, DEFAULT_SPIKE_RATE, formatOperations, operationsPerSequence, type OperationsEstimate } from '../estimate/operations.js';

export const SYNTH_FORMAT = 'spikeforge.synth.v1';

export interface SynthOptions {
  target: TargetName;
  /** Place and route on iCE40 for Fmax. */
  pnr: boolean;
  /**
   * iCE40 device name or "auto" (the smallest that fits, counting SPRAM). It selects the
   * Yosys flow too: the UP5K's is `synth_ice40 -device u -spram`.
   */
  device: string;
  seed: number;
  /** Seconds per tool run. */
  timeoutSeconds: number;
  /**
   * Reuse Yosys's and nextpnr's output of an identical earlier run (same RTL by content,
   * flow, device, seed and tool versions) instead of running them again (`--no-cache`: off).
   */
  cache: boolean;
  /** Which RTL this is (default: generated from the config). */
  rtl?: SynthRtl;
  /** Spike rate assumed for the operation counts that depend on data (default DEFAULT_SPIKE_RATE). */
  spikeRate?: number;
}

/** The RTL a synthesis ran on: generated from the config, or as on disk (--design), with the files that differ from the generator's output. */
export interface SynthRtl {
  source: 'generated' | 'disk';
  changed: string[];
}

export interface EstimateSummary {
  luts: number;
  ffs: number;
  carries: number;
  brams: number;
  /** SB_SPRAM256KA (exact tiles of the SPRAM memories). */
  sprams?: number;
  memoryBits: number;
  itemsPerCycle: number;
  item: string;
  calibrated: boolean;
}

export interface SynthResult {
  format: typeof SYNTH_FORMAT;
  design: { name: string; top: string; topModule: string; configHash: string };
  rtl: SynthRtl;
  target: TargetName;
  tools: { yosys: string; nextpnr: string | null };
  timeoutSeconds: number;
  /** Yosys's output came from the cache (an identical earlier run), not from a run now. */
  cached: boolean;
  luts: number;
  carries: number;
  ffs: number;
  brams: number;
  /** iCE40 SB_SPRAM256KA. */
  sprams: number;
  /** iCE40: the device the synthesis flow was run for (auto resolved), and its Yosys options. */
  device: string | null;
  yosysFlags: string;
  /** Generic target: LUT6 levels on the longest path. */
  depth: number | null;
  /**
   * The target's breakdown (xc7: LUT1 … LUT6, LUT6_2, "LUT as logic", "LUT as memory",
   * MUXF7/8, RAMB18E1, RAMB36E1, DSP48E1; `brams` counts RAMB18 units there), or null.
   */
  details: Record<string, number> | null;
  cells: Record<string, number>;
  seconds: number;
  pnr: PnrReport | null;
  estimate: EstimateSummary | null;
  /** (estimate − Yosys) / Yosys per resource, in percent; null without a model (or when both are 0 … see errorPct). */
  estimateErrorPct: { luts: number | null; ffs: number | null; carries: number | null; brams: number | null; sprams: number | null } | null;
  /** Operations and arithmetic energy per sequence at an assumed spike rate (docs/energy.md); null for blocks without arithmetic per inference. */
  operations: OperationsEstimate | null;
}

export function estimateSummary(design: Design, target: TargetName): EstimateSummary | null {
  const model = resourceModelFor(design.config.top);
  if (!model) return null;
  const e = estimateDerived(model, design.derived, target);
  return {
    luts: e.luts,
    ffs: e.ffs,
    carries: e.carries,
    brams: e.brams,
    sprams: e.sprams,
    memoryBits: e.memoryBits,
    itemsPerCycle: e.rate.itemsPerCycle,
    item: e.rate.item,
    calibrated: e.calibrated,
  };
}

export async function synthDesign(design: Design, opts: SynthOptions): Promise<SynthResult> {
  const yosys = await toolVersion('yosys', '-V');
  const ports = design.block.ports(design.derived);
  let device: string | null = null;
  let r;
  if (opts.target === 'ice40') {
    // The device decides the flow (UP5K: -device u -spram). "auto": synthesise for the plain
    // flow, pick the smallest device that holds the counts (SPRAM included; with --pnr the
    // I/O shell's flip-flops too), and synthesise again if that device has its own flow.
    const named = ICE40_DEVICES.find((d) => d.name === opts.device);
    r = await synthesize(design.files, design.topModule, opts.target, { timeoutSeconds: opts.timeoutSeconds, flags: named ? named.yosysFlags.join(' ') : '', cache: opts.cache });
    device = named?.name ?? null;
    if (!named) {
      const shell = opts.pnr ? pnrWrapper(ports).shellFfs : 0;
      const pick = pickDevice('auto', { luts: r.luts, ffs: r.ffs + shell, carries: r.carries, brams: r.brams, sprams: r.sprams });
      device = pick.device.name;
      if (pick.device.yosysFlags.length) r = await synthesize(design.files, design.topModule, opts.target, { timeoutSeconds: opts.timeoutSeconds, flags: pick.device.yosysFlags.join(' '), cache: opts.cache });
    }
  } else {
    r = await synthesize(design.files, design.topModule, opts.target, { timeoutSeconds: opts.timeoutSeconds, cache: opts.cache });
  }
  let pnr: PnrReport | null = null;
  let nextpnr: string | null = null;
  if (opts.pnr && opts.target === 'ice40') {
    nextpnr = await toolVersion('nextpnr-ice40', '--version');
    pnr = await placeAndRoute(design.files, ports, { luts: r.luts, ffs: r.ffs, carries: r.carries, brams: r.brams, sprams: r.sprams }, {
      device: device ?? opts.device,
      seed: opts.seed,
      timeoutSeconds: opts.timeoutSeconds,
      cache: opts.cache,
    });
  }
  const estimate = estimateSummary(design, opts.target);
  return {
    format: SYNTH_FORMAT,
    design: { name: design.config.name, top: design.config.top, topModule: design.topModule, configHash: design.configHash },
    rtl: opts.rtl ?? { source: 'generated', changed: [] },
    target: opts.target,
    tools: { yosys, nextpnr },
    timeoutSeconds: opts.timeoutSeconds,
    cached: r.cached,
    luts: r.luts,
    carries: r.carries,
    ffs: r.ffs,
    brams: r.brams,
    sprams: r.sprams,
    device,
    yosysFlags: r.flags,
    depth: r.depth,
    details: r.details ?? null,
    cells: Object.fromEntries(Object.entries(r.cells).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    seconds: Math.round(r.seconds * 100) / 100,
    pnr: pnr ? { ...pnr, seconds: Math.round(pnr.seconds * 100) / 100 } : null,
    estimate,
    estimateErrorPct: estimate
      ? {
          luts: round1(errorPct(estimate.luts, r.luts)),
          ffs: round1(errorPct(estimate.ffs, r.ffs)),
          carries: round1(errorPct(estimate.carries, r.carries)),
          brams: round1(errorPct(estimate.brams, r.brams)),
          sprams: round1(errorPct(estimate.sprams ?? 0, r.sprams)),
        }
      : null,
    operations: operationsPerSequence(design.config.top, design.derived, assumedRates(opts.spikeRate ?? DEFAULT_SPIKE_RATE)),
  };
}

function round1(v: number | null): number | null {
  return v === null ? null : Math.round(v * 10) / 10;
}

/** A readable table of a synthesis result. */
export function formatSynth(r: SynthResult): string {
  const lines: string[] = [];
  const lutName = r.target === 'xc7' ? 'LUT (1-6)' : targetFor(r.target).lutName;
  lines.push(`${r.design.topModule} (${r.design.top}, config ${r.design.configHash}) on ${r.target}${r.device ? ` (${r.device}: synth_ice40${r.yosysFlags ? ` ${r.yosysFlags}` : ''})` : ''}: ${r.tools.yosys}`);
  if (r.rtl.source === 'disk') {
    lines.push(`  RTL as on disk${r.rtl.changed.length ? `; differs from the generator's output in ${r.rtl.changed.join(', ')}` : '; identical to the generator\'s output'}`);
  }
  const est = r.estimate;
  const err = r.estimateErrorPct;
  const row = (label: string, v: number | null, e: number | undefined, pct: number | null | undefined) =>
    `  ${label.padEnd(14)}${String(v ?? '-').padStart(9)}${est ? `${String(e ?? '-').padStart(11)}${(pct === null || pct === undefined ? '-' : `${pct > 0 ? '+' : ''}${pct.toFixed(1)}%`).padStart(10)}` : ''}`;
  lines.push(`  ${'resource'.padEnd(14)}${'yosys'.padStart(9)}${est ? `${'estimate'.padStart(11)}${'error'.padStart(10)}` : ''}`);
  lines.push(row(lutName, r.luts, est?.luts, err?.luts));
  if (r.target === 'ice40') lines.push(row('SB_CARRY', r.carries, est?.carries, err?.carries));
  if (r.target === 'xc7') lines.push(row('CARRY4', r.carries, est?.carries, err?.carries));
  lines.push(row(r.target === 'ice40' ? 'SB_DFF*' : 'flip-flops', r.ffs, est?.ffs, err?.ffs));
  if (r.target === 'ice40') lines.push(row('SB_RAM40_4K', r.brams, est?.brams, err?.brams));
  if (r.target === 'ice40' && (r.sprams || r.device === 'up5k')) lines.push(row('SB_SPRAM256KA', r.sprams, est?.sprams, err?.sprams));
  if (r.target === 'xc7') lines.push(row('RAMB18 units', r.brams, est?.brams, err?.brams));
  if (r.details && r.target === 'xc7') {
    const d = r.details;
    lines.push(`  ${'  LUT1..LUT6'.padEnd(14)}${[1, 2, 3, 4, 5, 6].map((k) => d[`LUT${k}`] ?? 0).join(' / ')}, LUT6_2 ${d['LUT6_2'] ?? 0}; as logic ${d['LUT as logic'] ?? 0}, as memory ${d['LUT as memory'] ?? 0}`);
    lines.push(`  ${'  block RAM'.padEnd(14)}RAMB18E1 ${d['RAMB18E1'] ?? 0}, RAMB36E1 ${d['RAMB36E1'] ?? 0} (${((d['RAMB18E1'] ?? 0) / 2 + (d['RAMB36E1'] ?? 0)).toFixed(1)} RAMB36 tiles)`);
    lines.push(`  ${'DSP48E1'.padEnd(14)}${String(d['DSP48E1'] ?? 0).padStart(9)}`);
    lines.push(`  ${'MUXF7 / MUXF8'.padEnd(14)}${`${d['MUXF7'] ?? 0} / ${d['MUXF8'] ?? 0}`.padStart(9)}`);
  }
  if (r.depth !== null) lines.push(`  ${'LUT6 depth'.padEnd(14)}${String(r.depth).padStart(9)}`);
  lines.push(`  synthesis ${r.seconds.toFixed(1)} s${r.cached ? ' (an identical earlier run, from the cache)' : ''}${est ? `; estimate ${est.calibrated ? 'calibrated' : 'from priors (not calibrated)'}` : '; no resource model for this block'}`);
  if (r.pnr) {
    const p = r.pnr;
    if (p.status === 'ok') {
      lines.push(
        `  place & route on ${p.device} (${p.package}, seed ${p.seed}): Fmax ${p.fmaxMHz ?? '?'} MHz` +
          `${p.targetMHz ? ` (target ${p.targetMHz} MHz from clockMHz: ${p.targetMet ? 'met' : 'NOT met'})` : ''}, ` +
          `${p.lcs ?? '?'}/${p.lcsAvailable} logic cells (incl. ${p.shellFfs} I/O-shell flip-flops), ${p.brams ?? 0}/${p.bramsAvailable} BRAMs` +
          `${p.spramsAvailable ? `, ${p.sprams ?? 0}/${p.spramsAvailable} SPRAMs` : ''}, ${p.seconds.toFixed(1)} s${p.cached ? ' (from the cache)' : ''}`,
      );
    } else {
      lines.push(`  place & route: ${p.message}`);
    }
  }
  if (r.operations) lines.push(formatOperations(r.operations).trimEnd());
  return `${lines.join('\n')}\n`;
}
