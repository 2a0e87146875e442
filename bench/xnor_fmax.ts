/**
 * Fmax of the XNOR engine on an iCE40 HX8K with and without the pipelined popcount
 * (issue "the paper's attention on a real FPGA", item 3): Yosys 0.23 `synth_ice40` counts of
 * the engine alone, then nextpnr-ice40 place-and-route of the engine inside spikeforge's
 * five-pin I/O shell (the same flow as `spikeforge synth --pnr`), seeds 1, 2 and 3; Fmax is
 * nextpnr's post-route figure and the table gives the median of the three.
 *
 * Design: N = 168, D = 32, lanes = 4, T = 4, Gray-PE (G = 8) and Log-PE (paper, logic), so
 * each lane's popcount counts 40 match bits. Variants:
 *   popcountPipeline 0        combinational popcount (the engine before the option)
 *   auto (K = 4)              one popcount stage + Log-PE split + registered key write
 *   auto, no split / key reg  the same stage without the other two changes (ablation: the
 *                             derived flags are switched off before rendering; latency is
 *                             unchanged by them)
 *   K = 3                     at most 3 levels per clock
 *
 *   npx tsx bench/xnor_fmax.ts                        writes bench/results/xnor_fmax.md
 *   XNOR_FMAX_DIM=16 XNOR_FMAX_SEEDS=1,2 npx tsx ...  another D, other seeds
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolveConfig } from '../src/io/config-file.js';
import { deriveDesign, generateDesign } from '../src/design/design.js';
import type { XnorDerived } from '../src/blocks/xnor_attention/derive.js';
import type { GeneratedFile } from '../src/render/files.js';
import { synthesize } from '../src/tools/yosys.js';
import { placeAndRoute } from '../src/tools/nextpnr.js';
import { toolVersion } from '../src/tools/run.js';
import { pool } from './pool.js';

const dim = Number(process.env['XNOR_FMAX_DIM'] ?? 32);
const seeds = (process.env['XNOR_FMAX_SEEDS'] ?? '1,2,3').split(',').map(Number);
const jobs = Number(process.env['XNOR_FMAX_JOBS'] ?? Math.max(1, Math.min(2, cpus().length)));
const base = { top: 'xnor_attention', seqLen: 168, dim, timesteps: 4, lanes: 4, grayPe: { enabled: true }, logPe: { enabled: true }, target: 'ice40' };

interface Variant {
  label: string;
  raw: Record<string, unknown>;
  /** Switch the Log-PE split and the key-write register off (ablation). */
  bare?: boolean;
}
const variants: Variant[] = [
  { label: 'popcountPipeline 0 (combinational)', raw: { popcountPipeline: 0 } },
  { label: 'auto (K = 4): stage + Log-PE split + registered key write', raw: {} },
  { label: 'auto (K = 4), without Log-PE split and key-write register', raw: {}, bare: true },
  { label: 'K = 3: stage + Log-PE split + registered key write', raw: { popcountPipeline: 3 } },
];

interface Built {
  v: Variant;
  files: GeneratedFile[];
  top: string;
  ports: ReturnType<ReturnType<typeof generateDesign>['block']['ports']>;
  derived: XnorDerived;
}

function build(v: Variant, i: number): Built {
  const cfg = resolveConfig({ ...base, ...v.raw, name: `fx${i}` }, '.');
  const d = generateDesign(cfg);
  let files = d.files;
  let derived = d.derived as XnorDerived;
  if (v.bare) {
    const { block } = deriveDesign(cfg);
    derived = { ...derived, logPeSplit: false, keyWriteReg: false };
    files = block.render(derived, { generator: 'spikeforge', version: 'bench', configHash: d.configHash });
  }
  return { v, files, top: d.topModule, ports: d.block.ports(derived), derived };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function main(): Promise<void> {
  const started = performance.now();
  const built = variants.map(build);
  const synth = await pool(
    built.map((b) => () => synthesize(b.files, b.top, 'ice40', { timeoutSeconds: 3600 })),
    jobs,
  );
  const runs = await pool(
    built.flatMap((b, i) =>
      seeds.map((seed) => () => placeAndRoute(b.files, b.ports, synth[i]!, { device: 'hx8k', seed, timeoutSeconds: 3600 }).then((r) => ({ i, seed, r }))),
    ),
    jobs,
  );
  const lines: string[] = [];
  const say = (s: string) => {
    lines.push(s);
    process.stdout.write(`${s}\n`);
  };
  say(`# XNOR engine Fmax on the iCE40 HX8K (bench/xnor_fmax.ts)`);
  say('');
  say(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${process.platform} ${process.arch}; load average at start ${execSync('cat /proc/loadavg').toString().trim()}`);
  say(`tools: ${await toolVersion('yosys', '-V')}; ${await toolVersion('nextpnr-ice40', '--version')}`);
  say(`date: ${new Date().toISOString()}`);
  say('');
  say(`Design: N = 168, D = ${dim}, lanes = 4, T = 4, Gray-PE + Log-PE (paper, logic), target ice40; nextpnr-ice40 --hx8k --package ct256, seeds ${seeds.join(', ')}. ` +
    'LUT/FF/carry/BRAM: the engine alone (Yosys synth_ice40); LC: nextpnr logic cells with the I/O shell.');
  say('');
  say(`| variant | popcount stages | latency | SB_LUT4 | SB_DFF* | SB_CARRY | BRAM | LC | Fmax ${seeds.map((s) => `s${s}`).join(' / ')} (MHz) | median |`);
  say('|---|---|---|---|---|---|---|---|---|---|');
  built.forEach((b, i) => {
    const mine = runs.filter((x) => x.i === i).sort((x, y) => x.seed - y.seed);
    const f = mine.map((x) => x.r.fmaxMHz ?? NaN);
    const s = synth[i]!;
    say(
      `| ${b.v.label} | ${b.derived.popcountStages} | ${b.derived.latency} | ${s.luts} | ${s.ffs} | ${s.carries} | ${s.brams} | ${mine[0]?.r.lcs ?? '-'} | ${f.map((x) => x.toFixed(2)).join(' / ')} | **${median(f).toFixed(2)}** |`,
    );
  });
  say('');
  say(`(${((performance.now() - started) / 1000).toFixed(0)} s, ${jobs} jobs)`);
  mkdirSync('bench/results', { recursive: true });
  const out = dim === 32 ? 'bench/results/xnor_fmax.md' : `bench/results/xnor_fmax_d${dim}.md`;
  writeFileSync(out, `${lines.join('\n')}\n`);
  process.stdout.write(`\nwritten to ${out}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
