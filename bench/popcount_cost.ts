/**
 * Popcount cost: Yosys 0.23 cell counts of the three popcount architectures against the
 * plain loop (Yosys's own multi-operand adder, the `$countones` baseline), at n = 64, 256
 * and 512, for iCE40 (`synth_ice40`: SB_LUT4, SB_CARRY) and generic LUT6 (`synth; abc
 * -lut 6`: LUT6 count and depth), all in one run.
 *
 *   npx tsx bench/popcount_cost.ts            prints a Markdown table (docs/xnor_attention.md)
 *   npx tsx bench/popcount_cost.ts --json     the raw numbers
 *   POPCOUNT_SIZES=64,100 npx tsx ...         other sizes
 */
import { cpus } from 'node:os';
import { renderPopcount, popcountModule } from '../generators/popcount.js';
import type { PopcountArch } from '../src/blocks/xnor_attention/derive.js';
import { synthesize, type SynthReport } from '../src/tools/yosys.js';

const ARCHS: PopcountArch[] = ['loop', 'carry-tree', 'gpc63'];
const sizes = (process.env['POPCOUNT_SIZES'] ?? '64,256,512').split(',').map(Number);
const meta = { generator: 'spikeforge', version: 'bench', configHash: 'bench' };

interface Row {
  n: number;
  arch: PopcountArch;
  ice40: SynthReport;
  lut6: SynthReport;
}

/** Runs jobs with at most `limit` in flight (the machine's cores are shared). */
async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

async function main(): Promise<void> {
  const started = performance.now();
  const combos = sizes.flatMap((n) => ARCHS.map((arch) => ({ n, arch })));
  const rows = await pool(
    combos.map(({ n, arch }) => async (): Promise<Row> => {
      const prefix = `pc${n}`;
      const files = renderPopcount(prefix, n, arch, meta);
      const top = popcountModule(prefix);
      const ice40 = await synthesize(files, top, 'ice40');
      const lut6 = await synthesize(files, top, 'generic');
      return { n, arch, ice40, lut6 };
    }),
    Math.max(1, Math.min(2, cpus().length)),
  );
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(rows.map((r) => ({ n: r.n, arch: r.arch, ice40: { luts: r.ice40.luts, carries: r.ice40.carries }, lut6: { luts: r.lut6.luts, depth: r.lut6.depth } })), null, 2));
    return;
  }
  const base = new Map(rows.filter((r) => r.arch === 'loop').map((r) => [r.n, r]));
  const ratio = (a: number, b: number) => (a / b).toFixed(3);
  console.log(`Popcount cost, Yosys ${'0.23'} — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'})`);
  console.log('');
  console.log('| n | architecture | iCE40 SB_LUT4 | SB_CARRY | × loop LUT4 | LUT6 | LUT6 depth | × loop LUT6 |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const b = base.get(r.n)!;
    console.log(
      `| ${r.n} | ${r.arch} | ${r.ice40.luts} | ${r.ice40.carries} | ${ratio(r.ice40.luts, b.ice40.luts)} | ${r.lut6.luts} | ${r.lut6.depth ?? '?'} | ${ratio(r.lut6.luts, b.lut6.luts)} |`,
    );
  }
  console.log('');
  console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
