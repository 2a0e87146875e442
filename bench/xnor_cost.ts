/**
 * XNOR vs AND engine cost (the reviewers' worry: is XNOR attention more expensive than the
 * original Spikformer AND attention?). Yosys 0.23 counts of the whole generated
 * `<name>_xnor_attention` at D = 32, lanes = 4, for both similarities, each popcount
 * architecture and three targets:
 *
 *   ice40     `synth_ice40` (the key buffer in SB_RAM40_4K)
 *   lut6-ram  `synth -run begin:fine`, techmap, `abc -lut 6`, memories left as RAM cells
 *             ($mem_v2: what LUTRAM / block RAM of a LUT6 part would hold)
 *   generic   `synth; abc -lut 6` (src/tools/yosys.ts): memories become flip-flops and
 *             LUT multiplexers, which dominate the totals at large N
 *
 *   npx tsx bench/xnor_cost.ts                 N = 12, no PE and both PEs, all architectures
 *   XNOR_COST_N=168 npx tsx bench/xnor_cost.ts another N
 *   XNOR_COST_TARGETS=ice40,lut6-ram ...       a subset of the targets
 */
import { cpus } from 'node:os';
import { resolveConfig } from '../src/io/config-file.js';
import { generateDesign } from '../src/design/design.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedFile } from '../src/render/files.js';
import { synthesize } from '../src/tools/yosys.js';
import { runTool } from '../src/tools/run.js';
import { withRtlDir } from '../src/tools/workdir.js';
import { pool } from './pool.js';

const n = Number(process.env['XNOR_COST_N'] ?? 12);
const archs = (process.env['XNOR_COST_ARCHS'] ?? 'loop,carry-tree,gpc63').split(',');
type Target = 'ice40' | 'lut6-ram' | 'generic';
const targets = (process.env['XNOR_COST_TARGETS'] ?? 'ice40,lut6-ram,generic').split(',') as Target[];
const TARGET_TEXT: Record<Target, string> = {
  ice40: 'iCE40 SB_LUT4',
  'lut6-ram': 'LUT6, memories as RAM',
  generic: 'generic LUT6 (memories in FFs)',
};

interface Cost {
  luts: number;
  carries: number;
  ffs: number;
  /** SB_RAM40_4K (ice40) or RAM cells ($mem_v2, lut6-ram). */
  rams: number;
}

/** LUT6 mapping with the memories kept as RAM cells, counted over the whole hierarchy. */
async function lut6Ram(files: GeneratedFile[], top: string): Promise<Cost> {
  return withRtlDir(files, async (dir, sv) => {
    await runTool(
      'yosys',
      [
        '-p',
        `read_verilog -sv ${sv.join(' ')}; synth -top ${top} -flatten -run begin:fine; opt -full; techmap; opt -fast; ` +
          `abc -lut 6; opt_clean; tee -q -o stat.json stat -json -top ${top}`,
      ],
      `synthesising ${top} for LUT6 with RAM`,
      { cwd: dir, timeoutSeconds: 1800 },
    );
    const stat = JSON.parse(readFileSync(join(dir, 'stat.json'), 'utf8')) as { design?: { num_cells_by_type?: Record<string, number> } };
    const cells = stat.design?.num_cells_by_type ?? {};
    const sum = (re: RegExp) => Object.entries(cells).reduce((n, [k, v]) => (re.test(k) ? n + v : n), 0);
    return { luts: sum(/^\$lut$/), carries: 0, ffs: sum(/DFF|DLATCH/), rams: sum(/^\$mem/) };
  });
}
const peSets: [string, Record<string, unknown>][] = [
  ['no PE', {}],
  ['Gray + Log-PE', { grayPe: { enabled: true }, logPe: { enabled: true } }],
];


interface Job {
  pe: string;
  arch: string;
  target: Target;
  sim: 'xnor' | 'and';
}

async function main(): Promise<void> {
  const started = performance.now();
  const jobs: Job[] = [];
  for (const [pe] of peSets) for (const arch of archs) for (const target of targets) for (const sim of ['xnor', 'and'] as const) jobs.push({ pe, arch, target, sim });
  const reports = await pool(
    jobs.map((j) => async (): Promise<Cost> => {
      const raw = {
        top: 'xnor_attention',
        name: `cost_${j.sim}`,
        seqLen: n,
        dim: 32,
        lanes: 4,
        similarity: j.sim,
        popcount: j.arch,
        ...peSets.find(([p]) => p === j.pe)![1],
      };
      const d = generateDesign(resolveConfig(raw, '.'));
      if (j.target === 'lut6-ram') return lut6Ram(d.files, d.topModule);
      const r = await synthesize(d.files, d.topModule, j.target, { timeoutSeconds: 1800 });
      return { luts: r.luts, carries: r.carries, ffs: r.ffs, rams: r.brams };
    }),
    Math.max(1, Math.min(2, cpus().length)),
  );
  console.log(`XNOR vs AND engine, N = ${n}, D = 32, lanes = 4 — Yosys 0.23, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'})`);
  console.log('');
  console.log('| PEs | popcount | target | LUTs xnor | LUTs and | xnor / and | carries xnor / and | FFs xnor / and | RAMs |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (let i = 0; i < jobs.length; i += 2) {
    const x = reports[i]!;
    const a = reports[i + 1]!;
    const j = jobs[i]!;
    const pct = ((x.luts / a.luts - 1) * 100).toFixed(1);
    console.log(
      `| ${j.pe} | ${j.arch} | ${TARGET_TEXT[j.target]} | ${x.luts} | ${a.luts} | ${(x.luts / a.luts).toFixed(3)} (${x.luts >= a.luts ? '+' : ''}${pct}%) | ${x.carries} / ${a.carries} | ${x.ffs} / ${a.ffs} | ${x.rams} |`,
    );
  }
  console.log('');
  console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
