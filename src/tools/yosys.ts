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
import { runTool } from './run.js';
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
  /** Generic target only: LUT levels on the longest path (`ltp -noff`). */
  depth: number | null;
  /** The target's own breakdown (xc7: LUT1 … LUT6, LUT as memory, RAMB18E1, RAMB36E1, DSP48E1, …). */
  details?: Record<string, number>;
  seconds: number;
}

interface StatJson {
  design?: { num_cells_by_type?: Record<string, number> };
}

export async function synthesize(files: GeneratedFile[], top: string, targetName: TargetName, timeoutSeconds = 600): Promise<SynthReport> {
  const target = targetFor(targetName);
  if (vendorLibraries(files).includes('yosys-xilinx-cells') && targetName !== 'xc7') {
    // Other flows do not know LUT6_2 / CARRY4; their counts would be of black boxes.
    throw new ConfigError('target', targetName, 'allowed: "xc7" only: this design instantiates AMD 7-series primitives (popcount "xc7-chain")');
  }
  return withRtlDir(files, async (dir, svFiles) => {
    const script = `read_verilog -sv ${svFiles.join(' ')}; ${target.yosysScript(top)}`;
    const r = await runTool('yosys', ['-p', script], `synthesising ${top} for ${targetName}`, { cwd: dir, timeoutSeconds });
    const stat = JSON.parse(readFileSync(join(dir, 'stat.json'), 'utf8')) as StatJson;
    const cells = stat.design?.num_cells_by_type ?? {};
    let depth: number | null = null;
    if (existsSync(join(dir, 'ltp.txt'))) {
      // "Longest topological path in <top> (length=N):" — N counts the LUTs on the path.
      const m = /Longest topological path in \S+ \(length=(\d+)\)/.exec(readFileSync(join(dir, 'ltp.txt'), 'utf8'));
      depth = m ? Number(m[1]) : null;
    }
    return { target: targetName, top, cells, ...target.summarize(cells), depth, seconds: r.seconds };
  });
}
