/**
 * Yosys synthesis of a generated design and its resource counts.
 *   ice40:   synth_ice40 → SB_LUT4, SB_CARRY, SB_DFF*, SB_RAM40_4K
 *   generic: synth + abc -lut 6 → LUT6 count and logic depth
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedFile } from '../render/files.js';
import { runTool } from './run.js';
import { withRtlDir } from './workdir.js';

export type SynthTarget = 'ice40' | 'generic';

export interface SynthReport {
  target: SynthTarget;
  top: string;
  /** Cell counts by type, as Yosys's `stat` reports them. */
  cells: Record<string, number>;
  /** Summary: LUTs (SB_LUT4 or LUT6), carries, flip-flops, block RAMs. */
  luts: number;
  carries: number;
  ffs: number;
  brams: number;
  /** Generic target only: LUT levels on the longest path (abc's depth). */
  depth: number | null;
  seconds: number;
}

interface StatJson {
  design?: { num_cells_by_type?: Record<string, number> };
}

function script(target: SynthTarget, top: string, svFiles: string[]): string {
  const read = `read_verilog -sv ${svFiles.join(' ')}`;
  if (target === 'ice40') return `${read}; synth_ice40 -top ${top}; tee -q -o stat.json stat -json`;
  // Generic: technology-independent synthesis, then 6-input LUT mapping. The depth is the
  // longest register-to-register (or port) path counted in LUTs: `ltp -noff` on the mapped
  // netlist (abc -lut does not print its level count in Yosys 0.23).
  return `${read}; synth -top ${top} -flatten; abc -lut 6; opt_clean; tee -q -o stat.json stat -json; tee -q -o ltp.txt ltp -noff`;
}

export async function synthesize(files: GeneratedFile[], top: string, target: SynthTarget, timeoutSeconds = 600): Promise<SynthReport> {
  return withRtlDir(files, async (dir, svFiles) => {
    const r = await runTool('yosys', ['-p', script(target, top, svFiles)], `synthesising ${top} for ${target}`, {
      cwd: dir,
      timeoutSeconds,
    });
    const stat = JSON.parse(readFileSync(join(dir, 'stat.json'), 'utf8')) as StatJson;
    const cells = stat.design?.num_cells_by_type ?? {};
    const sum = (re: RegExp) => Object.entries(cells).reduce((n, [k, v]) => (re.test(k) ? n + v : n), 0);
    let depth: number | null = null;
    if (target === 'generic') {
      // "Longest topological path in <top> (length=N):" — N counts the LUTs on the path.
      const m = /Longest topological path in \S+ \(length=(\d+)\)/.exec(readFileSync(join(dir, 'ltp.txt'), 'utf8'));
      depth = m ? Number(m[1]) : null;
    }
    return {
      target,
      top,
      cells,
      luts: target === 'ice40' ? sum(/^SB_LUT4$/) : sum(/^\$lut$/),
      carries: sum(/^SB_CARRY$/),
      ffs: target === 'ice40' ? sum(/^SB_DFF/) : sum(/^\$_(S)?DFF|^\$_DFFE|^\$_SDFF|^\$_ALDFF|^\$_DLATCH/),
      brams: sum(/^SB_RAM40_4K/),
      depth,
      seconds: r.seconds,
    };
  });
}
