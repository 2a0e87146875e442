/**
 * Yosys synthesis of a generated design and its resource counts, for any target
 * (src/targets/): the target says which Yosys flow maps the design and which cells count
 * as LUTs, carries, flip-flops and block RAMs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vendorLibraries, type GeneratedFile } from '../render/files.js';
import { ConfigError } from '../base/errors.js';
import { targetFor, type TargetName } from '../targets/index.js';
import { designKey, maybeCached } from './check-cache.js';
import { runTool, toolVersion } from './run.js';
import { withRtlDir } from './workdir.js';

export interface SynthReport {
  target: TargetName;
  top: string;
  /** Cell counts by type, as Yosys's `stat` reports them. */
  cells: Record<string, number>;
  /** Summary: LUTs (SB_LUT4 or LUT6), carries, flip-flops, block RAMs. */
  luts: number;
  carries: number;
  ffs: number;
  brams: number;
  /** iCE40 SB_SPRAM256KA (0 elsewhere). */
  sprams: number;
  /** Extra options of the synthesis command (a device's, e.g. `-device u -spram`). */
  flags: string;
  /** Generic target only: LUT levels on the longest path (`ltp -noff`). */
  depth: number | null;
  /** The target's own breakdown (xc7: LUT1 … LUT6, LUT as memory, RAMB18E1, RAMB36E1, DSP48E1, …). */
  details?: Record<string, number>;
  /** Seconds Yosys ran (when the output came from the cache: the run that wrote it). */
  seconds: number;
  /** Yosys's output came from the cache (an identical run before), not from a run now. */
  cached: boolean;
}

export interface SynthesizeOptions {
  /** Seconds Yosys may run (default 600). A cached output needs no run and meets any limit. */
  timeoutSeconds?: number;
  /** Extra options of the target's synthesis command (a device's, e.g. `-device u -spram`). */
  flags?: string;
  /**
   * Reuse Yosys's output of an identical run (src/tools/check-cache.ts): the same files by
   * content, top, flow script and Yosys version. The counts are parsed from that output
   * again on every call, so a change to the parsing is never hidden by the cache.
   */
  cache?: boolean;
}

/** What a synthesis run leaves: Yosys's `stat -json` and `ltp` text, and how long it took. */
interface YosysOutput {
  stat: string;
  ltp: string | null;
  seconds: number;
}

interface StatJson {
  design?: { num_cells_by_type?: Record<string, number> };
}

/**
 * How a mapped netlist is measured. Modules marked keep_hierarchy (the popcount trees'
 * adders) survive the flattening inside synthesis; `ltp` measures one module at a time and
 * counts a sub-module instance as one cell, and Yosys 0.23's `stat -json` writes its
 * hierarchy listing into the JSON when kept modules nest. So the mapped netlist is
 * flattened completely first (this only inlines cells; nothing is re-mapped or removed),
 * then `stat` counts every cell and `ltp -noff` follows the longest path of LUTs through
 * what were sub-modules.
 */
export function measureScript(top: string, depth: boolean): string {
  return (
    `setattr -mod -unset keep_hierarchy; flatten; hierarchy -top ${top}; tee -q -o stat.json stat -json` +
    (depth ? '; tee -q -o ltp.txt ltp -noff' : '')
  );
}

export async function synthesize(files: GeneratedFile[], top: string, targetName: TargetName, opts: SynthesizeOptions = {}): Promise<SynthReport> {
  const target = targetFor(targetName);
  if (vendorLibraries(files).includes('yosys-xilinx-cells') && targetName !== 'xc7') {
    // Other flows do not know LUT6_2 / CARRY4; their counts would be of black boxes.
    throw new ConfigError('target', targetName, 'allowed: "xc7" only: this design instantiates AMD 7-series primitives (popcount "xc7-chain")');
  }
  const flags = opts.flags ?? '';
  const script = synthesisScript(targetName, top, flags);
  const { result: out, cached } = await maybeCached(
    opts.cache,
    'yosys',
    async () => ({ design: designKey(files, top), tool: await toolVersion('yosys', '-V'), script }),
    () => runSynthesis(files, top, targetName, script, opts.timeoutSeconds ?? 600),
  );
  const stat = JSON.parse(out.stat) as StatJson;
  const cells = stat.design?.num_cells_by_type ?? {};
  // "Longest topological path in <top> (length=N):" — N counts the LUTs on the path.
  // Only the top module's line counts (a sub-module's is a part of a path).
  const depth = out.ltp === null ? null : ltpDepth(out.ltp, top);
  const counts = target.summarize(cells);
  return { target: targetName, top, cells, ...counts, sprams: counts.sprams ?? 0, flags, depth, seconds: out.seconds, cached };
}

async function runSynthesis(files: GeneratedFile[], top: string, targetName: TargetName, script: string, timeoutSeconds: number): Promise<YosysOutput> {
  return withRtlDir(files, async (dir, svFiles) => {
    const r = await runTool('yosys', ['-p', `read_verilog -sv ${svFiles.join(' ')}; ${script}`], `synthesising ${top} for ${targetName}`, { cwd: dir, timeoutSeconds });
    const ltp = join(dir, 'ltp.txt');
    return { stat: readFileSync(join(dir, 'stat.json'), 'utf8'), ltp: existsSync(ltp) ? readFileSync(ltp, 'utf8') : null, seconds: r.seconds };
  });
}

/** What Yosys runs after reading the design (the target's flow and the measurements); part of a cached synthesis's key. */
export function synthesisScript(targetName: TargetName, top: string, flags = ''): string {
  const target = targetFor(targetName);
  return `${target.yosysScript(top, flags)}; ${measureScript(top, target.measureDepth)}`;
}

/** The length `ltp` reports for module `top` (Yosys prints `\top` for a public name), or null. */
export function ltpDepth(text: string, top: string): number | null {
  for (const m of text.matchAll(/Longest topological path in \\?(\S+) \(length=(\d+)\)/g)) {
    if (m[1] === top) return Number(m[2]);
  }
  return null;
}
