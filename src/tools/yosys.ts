/**
 * Yosys synthesis of a generated design and its resource counts, for any target
 * (src/targets/): the target says which Yosys flow maps the design and which cells count
 * as LUTs, carries, flip-flops and block RAMs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedFile } from '../render/files.js';
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
  /** iCE40 SB_SPRAM256KA (0 elsewhere). */
  sprams: number;
  /** Extra options of the synthesis command (a device's, e.g. `-device u -spram`). */
  flags: string;
  /** Generic target only: LUT levels on the longest path (`ltp -noff`). */
  depth: number | null;
  seconds: number;
}

interface StatJson {
  design?: { num_cells_by_type?: Record<string, number> };
}

export async function synthesize(files: GeneratedFile[], top: string, targetName: TargetName, timeoutSeconds = 600, flags = ''): Promise<SynthReport> {
  const target = targetFor(targetName);
  return withRtlDir(files, async (dir, svFiles) => {
    const script = `read_verilog -sv ${svFiles.join(' ')}; ${target.yosysScript(top, flags)}`;
    const r = await runTool('yosys', ['-p', script], `synthesising ${top} for ${targetName}`, { cwd: dir, timeoutSeconds });
    const stat = JSON.parse(readFileSync(join(dir, 'stat.json'), 'utf8')) as StatJson;
    const cells = stat.design?.num_cells_by_type ?? {};
    let depth: number | null = null;
    if (existsSync(join(dir, 'ltp.txt'))) {
      // "Longest topological path in <top> (length=N):" — N counts the LUTs on the path.
      const m = /Longest topological path in \S+ \(length=(\d+)\)/.exec(readFileSync(join(dir, 'ltp.txt'), 'utf8'));
      depth = m ? Number(m[1]) : null;
    }
    const counts = target.summarize(cells);
    return { target: targetName, top, cells, ...counts, sprams: counts.sprams ?? 0, flags, depth, seconds: r.seconds };
  });
}
