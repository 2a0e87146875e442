/**
 * Popcount cost: Yosys 0.23 cell counts of the three popcount architectures against the
 * plain loop (Yosys's own multi-operand adder, the `$countones` baseline), at n = 64, 256
 * and 512, for iCE40 (`synth_ice40`: SB_LUT4, SB_CARRY) and generic LUT6 (`synth; abc
 * -lut 6`: LUT6 count; depth = LUTs on the longest path after flattening the kept
 * hierarchy), all in one run. Two tables: the plain popcount of an n-bit vector (the
 * docs/sv-style.md comparison), and the XNOR-match popcount popcount(~(a ^ b)) that the engine
 * instantiates (the counter tree folds the XNOR into its first level).
 *
 *   npx tsx bench/popcount_cost.ts            prints a Markdown table (docs/xnor_attention.md)
 *   npx tsx bench/popcount_cost.ts --json     the raw numbers
 *   POPCOUNT_SIZES=64,100 npx tsx ...         other sizes
 */
import { cpus } from 'node:os';
import { renderPopcount, popcountModule } from '../generators/parts/popcount.js';
import type { MatchInputs } from '../src/parts/popcount.js';
import type { PopcountArch } from '../src/blocks/xnor_attention/derive.js';
import type { GeneratedFile } from '../src/render/files.js';
import { synthesize, type SynthReport } from '../src/tools/yosys.js';
import { runTool } from '../src/tools/run.js';
import { withRtlDir } from '../src/tools/workdir.js';
import { pool } from './pool.js';

const ARCHS: PopcountArch[] = ['loop', 'carry-tree', 'gpc63'];
const sizes = (process.env['POPCOUNT_SIZES'] ?? '64,256,512').split(',').map(Number);
const meta = { generator: 'spikeforge', version: 'bench', configHash: 'bench' };

interface Row {
  n: number;
  arch: PopcountArch;
  match: boolean;
  ice40: SynthReport;
  lut6: SynthReport;
  lut6Depth: number;
}

/**
 * LUT6 levels on the longest path: `abc -lut 6` maps each kept module on its own (so its
 * own depth report is per module); flattening the mapped netlist and asking `ltp` for the
 * longest path counts LUTs across the whole tree.
 */
async function lut6Depth(files: GeneratedFile[], top: string): Promise<number> {
  return withRtlDir(files, async (dir, sv) => {
    const r = await runTool(
      'yosys',
      ['-p', `read_verilog -sv ${sv.join(' ')}; synth -top ${top} -flatten; abc -lut 6; opt_clean; setattr -mod -unset keep_hierarchy; flatten; ltp -noff`],
      `longest path of ${top}`,
      { cwd: dir, timeoutSeconds: 600 },
    );
    const m = new RegExp(`Longest topological path in ${top} \\(length=(\\d+)\\)`).exec(r.stdout);
    return m ? Number(m[1]) : NaN;
  });
}


async function main(): Promise<void> {
  const started = performance.now();
  const combos = [false, true].flatMap((match) => sizes.flatMap((n) => ARCHS.map((arch) => ({ n, arch, match }))));
  const rows = await pool(
    combos.map(({ n, arch, match }) => async (): Promise<Row> => {
      const prefix = `pc${n}`;
      const m: MatchInputs | null = match ? { andBits: 0 } : null;
      const files = renderPopcount(prefix, n, arch, meta, m);
      const top = popcountModule(prefix);
      const ice40 = await synthesize(files, top, 'ice40');
      const lut6 = await synthesize(files, top, 'generic');
      return { n, arch, match, ice40, lut6, lut6Depth: await lut6Depth(files, top) };
    }),
    Math.max(1, Math.min(2, cpus().length)),
  );
  if (process.argv.includes('--json')) {
    console.log(
      JSON.stringify(
        rows.map((r) => ({ n: r.n, arch: r.arch, match: r.match, ice40: { luts: r.ice40.luts, carries: r.ice40.carries }, lut6: { luts: r.lut6.luts, depth: r.lut6Depth } })),
        null,
        2,
      ),
    );
    return;
  }
  const ratio = (a: number, b: number) => (a / b).toFixed(3);
  console.log(`Popcount cost, Yosys 0.23 — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'})`);
  for (const match of [false, true]) {
    const these = rows.filter((r) => r.match === match);
    const base = new Map(these.filter((r) => r.arch === 'loop').map((r) => [r.n, r]));
    console.log('');
    console.log(match ? 'XNOR-match popcount, popcount(~(a ^ b)) over n bit pairs (as in the engine):' : 'Plain popcount of n bits:');
    console.log('');
    console.log('| n | architecture | iCE40 SB_LUT4 | SB_CARRY | × loop LUT4 | LUT6 | LUT6 depth | × loop LUT6 |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const r of these) {
      const b = base.get(r.n)!;
      console.log(
        `| ${r.n} | ${r.arch} | ${r.ice40.luts} | ${r.ice40.carries} | ${ratio(r.ice40.luts, b.ice40.luts)} | ${r.lut6.luts} | ${r.lut6Depth} | ${ratio(r.lut6.luts, b.lut6.luts)} |`,
      );
    }
  }
  console.log('');
  console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
