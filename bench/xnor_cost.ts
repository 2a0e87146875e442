/**
 * XNOR vs AND engine cost (the reviewers' worry: is XNOR attention more expensive than the
 * original Spikformer AND attention?). Yosys 0.23 counts of the whole generated
 * `<name>_xnor_attention` at D = 32, lanes = 4, for both similarities, each popcount
 * architecture and both targets (iCE40 `synth_ice40`; generic `synth; abc -lut 6`).
 *
 *   npx tsx bench/xnor_cost.ts                 N = 12, no PE and both PEs, all architectures
 *   XNOR_COST_N=168 npx tsx bench/xnor_cost.ts another N
 */
import { cpus } from 'node:os';
import { resolveConfig } from '../src/io/config-file.js';
import { generateDesign } from '../src/core/generate.js';
import { synthesize, type SynthReport, type SynthTarget } from '../src/tools/yosys.js';

const n = Number(process.env['XNOR_COST_N'] ?? 12);
const archs = (process.env['XNOR_COST_ARCHS'] ?? 'loop,carry-tree,gpc63').split(',');
const peSets: [string, Record<string, unknown>][] = [
  ['no PE', {}],
  ['Gray + Log-PE', { grayPe: { enabled: true }, logPe: { enabled: true } }],
];

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

interface Job {
  pe: string;
  arch: string;
  target: SynthTarget;
  sim: 'xnor' | 'and';
}

async function main(): Promise<void> {
  const started = performance.now();
  const jobs: Job[] = [];
  for (const [pe] of peSets) for (const arch of archs) for (const target of ['ice40', 'generic'] as const) for (const sim of ['xnor', 'and'] as const) jobs.push({ pe, arch, target, sim });
  const reports = await pool(
    jobs.map((j) => async (): Promise<SynthReport> => {
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
      return synthesize(d.files, d.topModule, j.target, 1800);
    }),
    Math.max(1, Math.min(2, cpus().length)),
  );
  console.log(`XNOR vs AND engine, N = ${n}, D = 32, lanes = 4 — Yosys 0.23, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'})`);
  console.log('');
  console.log('| PEs | popcount | target | LUTs xnor | LUTs and | xnor / and | carries xnor / and | FFs xnor / and | BRAM |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (let i = 0; i < jobs.length; i += 2) {
    const x = reports[i]!;
    const a = reports[i + 1]!;
    const j = jobs[i]!;
    const pct = ((x.luts / a.luts - 1) * 100).toFixed(1);
    console.log(
      `| ${j.pe} | ${j.arch} | ${j.target === 'ice40' ? 'iCE40 SB_LUT4' : 'generic LUT6'} | ${x.luts} | ${a.luts} | ${(x.luts / a.luts).toFixed(3)} (${Number(pct) >= 0 ? '+' : ''}${pct}%) | ${x.carries} / ${a.carries} | ${x.ffs} / ${a.ffs} | ${x.brams} |`,
    );
  }
  console.log('');
  console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
