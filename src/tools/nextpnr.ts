/**
 * Place-and-route with nextpnr-ice40 (Debian `nextpnr-ice40`) for Fmax.
 *
 * The design is synthesised inside the five-pin shell of src/synth/pnr-wrapper.ts (Yosys
 * `synth_ice40 -json`), then placed and routed on one iCE40 device with a fixed seed, so
 * the result is reproducible. Fmax is nextpnr's post-route estimate for the clock.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedFile } from '../render/files.js';
import type { TopPorts } from '../blocks/ports.js';
import { ToolFailedError } from '../base/errors.js';
import { pnrWrapper } from './pnr-shell.js';
import { designKey, maybeCached } from './check-cache.js';
import { runTool, toolVersion } from './run.js';
import { withRtlDir } from './workdir.js';
import { DEFAULT_ICE40_DEVICE, ICE40_DEVICES, ice40LogicCells, type Ice40Device } from '../targets/ice40.js';

export const DEVICE_NAMES = ['auto', ...ICE40_DEVICES.map((d) => d.name)] as const;
export const DEFAULT_DEVICE = DEFAULT_ICE40_DEVICE;

export interface PnrOptions {
  /** A device name, or "auto": the smallest device whose capacity covers `need`. */
  device: string;
  seed: number;
  timeoutSeconds: number;
  /**
   * Reuse the output of an identical run (src/tools/check-cache.ts): the same files and
   * shell by content, device, seed, clock and tool versions. nextpnr with a fixed seed is
   * deterministic, so the figures are those a run now would give; they are parsed again from
   * the stored report and log on every call.
   */
  cache?: boolean;
}

/** What the synthesised design needs (from Yosys's counts) plus the shell's flip-flops. */
export interface PnrNeed {
  luts: number;
  ffs: number;
  carries: number;
  brams: number;
  /** SB_SPRAM256KA (UP5K only); absent = 0. */
  sprams?: number;
}

export interface PnrReport {
  /** ok: routed, Fmax known; does-not-fit: too big for the device (nothing was run, or nextpnr said so). */
  status: 'ok' | 'does-not-fit';
  /** The design's clock constraint (config clockMHz), null without one. */
  targetMHz?: number | null;
  /** Whether Fmax reaches targetMHz; null without a constraint or a routed design. */
  targetMet?: boolean | null;
  device: string;
  package: string;
  seed: number;
  fmaxMHz: number | null;
  /** Logic cells and block RAMs used after packing (shell included) and available. */
  lcs: number | null;
  lcsAvailable: number;
  brams: number | null;
  bramsAvailable: number;
  /** SB_SPRAM256KA used after packing and available (0 but on the UP5K). */
  sprams: number | null;
  spramsAvailable: number;
  /** Flip-flops of the I/O shell included in `lcs`. */
  shellFfs: number;
  message: string | null;
  /** Seconds of the shell's synthesis plus nextpnr (cached: of the run that wrote the output). */
  seconds: number;
  /** The output came from the cache (an identical run before), not from a run now. */
  cached: boolean;
}

/**
 * A lower bound of the logic cells a design needs: each LC holds one LUT4, one DFF and one
 * carry, so it needs at least the largest of the three counts.
 */
export function minLogicCells(need: PnrNeed): number {
  return Math.max(need.luts, need.ffs, need.carries);
}

export function pickDevice(device: string, need: PnrNeed): { device: Ice40Device; fits: boolean; why: string | null } {
  const lcs = minLogicCells(need);
  const sprams = need.sprams ?? 0;
  const fitsIn = (d: Ice40Device) => lcs <= d.lcs && need.brams <= d.brams && sprams <= d.sprams;
  // "auto" chooses by the packing estimate (a LUT, a flip-flop and a carry share a cell only
  // when they belong together), so a design whose lower bound just fits a small device but
  // whose packing does not is placed on the next one; a named device is refused only when
  // even the lower bound does not fit.
  const packed = ice40LogicCells(need.luts, need.ffs, need.carries);
  const likelyIn = (d: Ice40Device) => packed <= d.lcs && fitsIn(d);
  const why = (d: Ice40Device) =>
    `needs at least ${lcs} logic cells, ${need.brams} block RAMs and ${sprams} SPRAMs (design + I/O shell); ` +
    `${d.name} has ${d.lcs} logic cells, ${d.brams} block RAMs and ${d.sprams} SPRAMs`;
  if (device === 'auto') {
    const d = ICE40_DEVICES.find(likelyIn) ?? ICE40_DEVICES.find(fitsIn);
    if (d) return { device: d, fits: true, why: null };
    const largest = ICE40_DEVICES.reduce((a, b) => (b.lcs > a.lcs ? b : a));
    return { device: largest, fits: false, why: `does not fit any supported iCE40 device: ${why(largest)}` };
  }
  const d = ICE40_DEVICES.find((x) => x.name === device);
  if (!d) throw new Error(`unknown iCE40 device ${device}`); // validated by the callers
  return fitsIn(d) ? { device: d, fits: true, why: null } : { device: d, fits: false, why: `does not fit the ${d.name}: ${why(d)}` };
}

interface NextpnrReportJson {
  utilization?: Record<string, { used: number; available: number }>;
  fmax?: Record<string, { achieved: number; constraint: number }>;
}

/** nextpnr's words for "the design is larger than the device". */
const TOO_BIG = /(?:more|too many) [A-Z_]+ (?:cells )?than (?:are )?available|Unable to place cell|failed to place|not enough|exceeds the (?:number|available)/i;

/** The nextpnr pre-pack script a design carries (src/design/constraints.ts) and its frequency. */
export function clockConstraint(files: readonly GeneratedFile[]): { script: string; mhz: number } | null {
  const f = files.find((x) => x.path.endsWith('_clock.py'));
  const m = f ? /ctx\.addClock\("clk_i", ([\d.]+)\)/.exec(f.content) : null;
  return f && m ? { script: f.content, mhz: Number(m[1]) } : null;
}

export async function placeAndRoute(
  files: GeneratedFile[],
  spec: TopPorts,
  need: PnrNeed,
  opts: PnrOptions,
): Promise<PnrReport> {
  const wrap = pnrWrapper(spec);
  const total: PnrNeed = { ...need, ffs: need.ffs + wrap.shellFfs };
  const pick = pickDevice(opts.device, total);
  const base = {
    device: pick.device.name,
    package: pick.device.package,
    seed: opts.seed,
    lcsAvailable: pick.device.lcs,
    bramsAvailable: pick.device.brams,
    spramsAvailable: pick.device.sprams,
    shellFfs: wrap.shellFfs,
  };
  if (!pick.fits) {
    return { ...base, status: 'does-not-fit', fmaxMHz: null, lcs: null, brams: null, sprams: null, message: pick.why, seconds: 0, cached: false };
  }
  const flags = pick.device.yosysFlags.length ? `${pick.device.yosysFlags.join(' ')} ` : '';
  const synthesis = `synth_ice40 ${flags}-top ${wrap.module} -json netlist.json`;
  // The design's clock constraint (config clockMHz: <name>_clock.py) when it has one, so
  // nextpnr optimises for that target and the report says whether it is met; else 12 MHz.
  const clock = clockConstraint(files);
  const args = [
    ...pick.device.flags,
    '--package',
    pick.device.package,
    '--json',
    'netlist.json',
    '--pcf',
    'empty.pcf',
    '--pcf-allow-unconstrained',
    '--seed',
    String(opts.seed),
    ...(clock ? ['--pre-pack', 'clock.py'] : ['--freq', '12']),
    '--timing-allow-fail',
    '--report',
    'report.json',
  ];
  const shelled = [...files, wrap.file];
  let out: PnrOutput;
  let cached: boolean;
  try {
    ({ result: out, cached } = await maybeCached(
      opts.cache,
      'nextpnr',
      async () => ({ design: designKey(shelled, wrap.module), synthesis, args, yosys: await toolVersion('yosys', '-V'), nextpnr: await toolVersion('nextpnr-ice40', '--version') }),
      () => runPnr(shelled, synthesis, args, clock?.script ?? null, spec.top, pick.device.name, opts.timeoutSeconds),
    ));
  } catch (e) {
    if (e instanceof PnrTooBig) {
      // Prefer the utilisation line that is over 100% ("ICESTORM_LC: 3174/ 1280 247%").
      const over = [...e.log.matchAll(/(ICESTORM_\w+):\s+(\d+)\/\s*(\d+)/g)].find((m) => Number(m[2]) > Number(m[3]));
      const line = over ? `${over[1]} ${over[2]} used of ${over[3]}` : (e.log.split('\n').find((l) => TOO_BIG.test(l))?.trim().slice(0, 160) ?? 'too big');
      return { ...base, status: 'does-not-fit', fmaxMHz: null, lcs: null, brams: null, sprams: null, message: `does not fit the ${pick.device.name}: nextpnr: ${line}`, seconds: e.seconds, cached: false };
    }
    throw e;
  }
  const log = out.log;
  let fmax: number | null = null;
  let lcs: number | null = null;
  let brams: number | null = null;
  let sprams: number | null = null;
  if (out.report !== null) {
    const rep = JSON.parse(out.report) as NextpnrReportJson;
    const clocks = Object.values(rep.fmax ?? {});
    if (clocks.length) fmax = Math.min(...clocks.map((c) => c.achieved));
    lcs = rep.utilization?.['ICESTORM_LC']?.used ?? null;
    brams = rep.utilization?.['ICESTORM_RAM']?.used ?? null;
    sprams = rep.utilization?.['ICESTORM_SPRAM']?.used ?? (pick.device.sprams ? null : 0);
  }
  if (fmax === null) {
    // Fall back on the log: the last "Max frequency for clock ..." line is post-route.
    const reported = [...log.matchAll(/Max frequency for clock '[^']*': ([\d.]+) MHz/g)];
    if (reported.length) fmax = Number(reported[reported.length - 1]![1]);
  }
  return {
    ...base,
    status: 'ok',
    targetMHz: clock?.mhz ?? null,
    targetMet: clock && fmax !== null ? fmax >= clock.mhz : null,
    fmaxMHz: fmax === null ? null : Math.round(fmax * 100) / 100,
    lcs,
    brams,
    sprams,
    message: fmax === null ? 'nextpnr reported no clock frequency' : null,
    seconds: out.seconds,
    cached,
  };
}

/** What a place-and-route run leaves, and how long shell synthesis plus nextpnr took. */
interface PnrOutput {
  /** nextpnr's --report JSON; null if it wrote none. */
  report: string | null;
  /** Its log, kept only without a report (Fmax is then read from it); else empty. */
  log: string;
  seconds: number;
}

/** nextpnr said the design is larger than the device: a result, not a failure (never cached). */
class PnrTooBig extends Error {
  constructor(
    readonly log: string,
    readonly seconds: number,
  ) {
    super('does not fit');
  }
}

async function runPnr(files: GeneratedFile[], synthesis: string, args: string[], clockScript: string | null, top: string, device: string, timeoutSeconds: number): Promise<PnrOutput> {
  return withRtlDir(files, async (dir, svFiles) => {
    const started = performance.now();
    await runTool('yosys', ['-q', '-p', `read_verilog -sv ${svFiles.join(' ')}; ${synthesis}`], `synthesising ${top} in its place-and-route shell`, { cwd: dir, timeoutSeconds });
    writeFileSync(join(dir, 'empty.pcf'), '');
    if (clockScript !== null) writeFileSync(join(dir, 'clock.py'), clockScript);
    let r;
    try {
      r = await runTool('nextpnr-ice40', args, `placing and routing ${top} on the ${device}`, { cwd: dir, timeoutSeconds });
    } catch (e) {
      if (e instanceof ToolFailedError && TOO_BIG.test(e.message)) throw new PnrTooBig(e.message, (performance.now() - started) / 1000);
      throw e;
    }
    const report = join(dir, 'report.json');
    const seconds = (performance.now() - started) / 1000;
    return existsSync(report) ? { report: readFileSync(report, 'utf8'), log: '', seconds } : { report: null, log: `${r.stdout}\n${r.stderr}`, seconds };
  });
}
