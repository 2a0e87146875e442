/**
 * `make bench`: speed goals live here, never in timed tests. Measures
 *   - the golden model's scores per second (XNOR engine model, N = 168, D = 32, Gray + Log-PE),
 *   - the head model's sequences per second (N = 12, D = 32, T = 4),
 *   - Verilator build time (cold: fresh cache folder; warm: cache hit),
 *   - the co-simulation's scores per second (same engine under Verilator, full throughput),
 * and writes them, with a description of the machine, to bench/results/latest.md (and prints them).
 */
import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, resolveConfig } from '../src/io/config-file.js';
import { generateDesign, type Design } from '../src/design/design.js';
import { Rng } from '../src/base/rng.js';
import { simulate, buildDesignSim } from '../src/cosim/cosim.js';
import { toolVersion } from '../src/tools/run.js';

function design(raw: Record<string, unknown>): Design {
  return generateDesign(resolveConfig(raw, '.'));
}

function timeIt(fn: () => void, minSeconds = 2): { runs: number; seconds: number } {
  let runs = 0;
  const start = performance.now();
  while ((performance.now() - start) / 1000 < minSeconds) {
    fn();
    runs++;
  }
  return { runs, seconds: (performance.now() - start) / 1000 };
}

const lines: string[] = [];
const say = (s: string) => {
  lines.push(s);
  process.stdout.write(`${s}\n`);
};

const engineCfg = {
  top: 'xnor_attention',
  name: 'bench_xa',
  seqLen: 168,
  dim: 32,
  timesteps: 4,
  lanes: 4,
  grayPe: { enabled: true },
  logPe: { enabled: true },
};
const engine = design(engineCfg);
const rng = new Rng(42);
const mk = () => Array.from({ length: 4 }, () => Array.from({ length: 168 }, () => rng.bits(32, 0.3)));
const engineCase = { q: mk(), k: mk() };

say(`# spikeforge benchmark`);
say('');
say(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), ${process.platform} ${process.arch}`);
say(`node ${process.version}; ${await toolVersion('verilator')}; load average at start ${execSync('cat /proc/loadavg').toString().trim()}`);
say(`date: ${new Date().toISOString()}`);
say('');
say('| what | result |');
say('|---|---|');

{
  const scoresPerCase = 4 * 168 * 168;
  const t = timeIt(() => engine.block.model(engine.derived, engineCase));
  say(`| golden model, XNOR scores (N=168, D=32, T=4, Gray+Log-PE) | ${((t.runs * scoresPerCase) / t.seconds / 1e6).toFixed(2)} M scores/s |`);
}
{
  const head = design({ top: 'ssa_head', name: 'bench_ssa', seqLen: 12, dim: 32, timesteps: 4, lanes: 4, grayPe: { enabled: true }, logPe: { enabled: true }, scale: 0.125 });
  const m = () => Array.from({ length: 4 }, () => Array.from({ length: 12 }, () => rng.bits(32, 0.3)));
  const c = { q: m(), k: m(), v: m() };
  const t = timeIt(() => head.block.model(head.derived, c));
  say(`| golden model, attention head (N=12, D=32, T=4) | ${(t.runs / t.seconds).toFixed(0)} sequences/s |`);
}

// Cold build: a private cache folder (ccache disabled) so nothing is reused.
{
  const dir = mkdtempSync(join(tmpdir(), 'sf-bench-cache-'));
  const cold = execFileSync('node', ['--import', 'tsx', 'bench/build-once.ts', JSON.stringify(engineCfg)], {
    encoding: 'utf8',
    env: { ...process.env, SPIKEFORGE_CACHE_DIR: dir, CCACHE_DISABLE: '1' },
  }).trim();
  rmSync(dir, { recursive: true, force: true });
  say(`| Verilator build of that engine, cold (no cache, no ccache) | ${cold} s |`);
}
{
  await buildDesignSim(engine); // make sure it is cached
  const warm = await buildDesignSim(engine);
  say(`| same build, warm (content-hash cache hit) | ${warm.seconds.toFixed(3)} s |`);
  const cases = Array.from({ length: 4 }, () => ({ q: mk(), k: mk() }));
  const sim = await simulate(engine, cases, { seed: 1, pValid: 1, pReady: 1 });
  const scores = cases.length * 4 * 168 * 168;
  say(`| co-simulation, XNOR engine (N=168, D=32, lanes 4), full throughput | ${(scores / sim.run.seconds / 1e6).toFixed(3)} M scores/s (${sim.run.cycles} cycles in ${sim.run.seconds.toFixed(2)} s, ${(sim.run.cycles / sim.run.seconds / 1e3).toFixed(0)} k cycles/s) |`);
}

// The fitted folds of the paper presets (examples/fpga/, docs/fpga.md): co-simulation speed
// of the whole head at full throughput (the unfolded ts_n168_log ran about 6 k cycles/s:
// 762,220 cycles in about 2 minutes, most of it 8 × 168 × 32 membrane registers per cycle).
for (const file of readdirSync('examples/fpga').filter((f) => f.endsWith('.json')).sort()) {
  const d = generateDesign(loadConfigFile(join('examples/fpga', file)));
  const build = await buildDesignSim(d);
  const cases = d.block.harness.stimulus(d.derived, new Rng(7), 2).slice(-2).map((c: { inputs: unknown }) => c.inputs);
  const sim = await simulate(d, cases, { seed: 1, pValid: 1, pReady: 1 });
  say(
    `| co-simulation, \`examples/fpga/${file}\` (${cases.length} sequences, full throughput) | ${(sim.run.cycles / sim.run.seconds / 1e3).toFixed(0)} k cycles/s ` +
      `(${sim.run.cycles} cycles in ${sim.run.seconds.toFixed(2)} s; model ${build.cacheHit ? 'cached' : `built in ${build.seconds.toFixed(0)} s`}) |`,
  );
}

mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.md', `${lines.join('\n')}\n`);
process.stdout.write('\nwritten to bench/results/latest.md\n');
