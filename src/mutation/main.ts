/**
 * `make mutation`: mutation testing of every registered block, report in docs/mutation.md.
 *
 *   node --import tsx src/mutation/main.ts [--per-block 40] [--seeds 1,2,3] [--vectors 8]
 *        [--jobs 2] [--sim verilator|icarus] [--blocks a,b] [--out docs/mutation.md]
 *        [--max-unexplained 1] [--proof-seconds 120]
 *
 *   --per-block N        counted mutants per block and per seed (default 40)
 *   --seeds a,b,c        draw seeds (default 1,2,3: 120 distinct mutants per block);
 *                        --seed N is the same as --seeds N
 *   --vectors N          random cases per verification, besides corners (default 8)
 *   --jobs N             mutants verified at once (default 2)
 *   --sim S              verilator (default) or icarus
 *   --blocks a,b         only these blocks (default: every registered block)
 *   --out FILE           the report (default docs/mutation.md)
 *   --max-unexplained N  unexplained survivors a block may have (default 1, the goal)
 *   --proof-seconds N    time limit of one formal proof about a survivor (default 120)
 *
 * Exit 0 when every block reaches the target kill rate (95%, killed / (killed + survived))
 * and has at most --max-unexplained unexplained survivors; 1 otherwise; 2 on bad arguments.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CACHE_DIR } from '../base/paths.js';
import { blocks } from '../design/registry.js';
import { BLOCK_NAMES, type BlockName } from '../base/config.js';
import { toolVersion } from '../tools/run.js';
import { mutationMarkdown } from './report.js';
import { mutateBlock, type BlockMutationReport, type MutationOptions } from './run.js';

export const TARGET_KILL_RATE = 0.95;

function option(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
}

async function main(args: string[]): Promise<number> {
  const sim = option(args, 'sim', 'verilator');
  if (sim !== 'verilator' && sim !== 'icarus') throw new Error(`--sim must be verilator or icarus, not ${sim}`);
  const seeds = option(args, 'seeds', option(args, 'seed', '1,2,3'))
    .split(',')
    .filter(Boolean)
    .map(Number);
  if (!seeds.length || seeds.some((x) => !Number.isInteger(x) || x < 0) || new Set(seeds).size !== seeds.length) {
    throw new Error(`--seeds must be distinct non-negative integers separated by commas, not ${option(args, 'seeds', '')}`);
  }
  const maxUnexplained = Number(option(args, 'max-unexplained', '1'));
  const options: MutationOptions = {
    perBlock: Number(option(args, 'per-block', '40')),
    seeds,
    vectors: Number(option(args, 'vectors', '8')),
    jobs: Number(option(args, 'jobs', '2')),
    simulator: sim,
    proofSeconds: Number(option(args, 'proof-seconds', '120')),
    log: (line) => process.stdout.write(`  ${line}\n`),
  };
  const wanted = option(args, 'blocks', '')
    .split(',')
    .filter(Boolean) as BlockName[];
  const names = BLOCK_NAMES.filter((b) => blocks[b] && (!wanted.length || wanted.includes(b)));
  const out = resolve(option(args, 'out', 'docs/mutation.md'));
  const cacheRoot = join(CACHE_DIR, options.simulator);
  const cachedModels = existsSync(cacheRoot) ? readdirSync(cacheRoot).filter((e) => !e.startsWith('.')).length : 0;
  const started = performance.now();
  process.stdout.write(
    `mutation testing: ${names.join(', ')}; ${options.perBlock} mutants per block and seed, seeds ${seeds.join(', ')} (${options.perBlock * seeds.length} per block), ${options.simulator}\n`,
  );

  const reports: BlockMutationReport[] = [];
  for (const b of names) {
    process.stdout.write(`${b}:\n`);
    const r = await mutateBlock(b, options);
    reports.push(r);
    process.stdout.write(
      `${b}: kill rate ${(100 * r.killRate).toFixed(1)}% (95% lower bound ${(100 * r.killRateLower).toFixed(1)}%; ${r.killed} killed, ${r.survived} survived, ${r.equivalent} equivalent, ${r.notCovered} not covered, ${r.stillborn} stillborn) in ${Math.round(r.seconds)} s\n`,
    );
  }
  const tools = {
    verilator: await toolVersion('verilator'),
    iverilog: await toolVersion('iverilog', '-V'),
    node: process.version,
  };
  const markdown = mutationMarkdown(reports, {
    options,
    date: new Date().toISOString().slice(0, 10),
    tools,
    seconds: (performance.now() - started) / 1000,
    target: TARGET_KILL_RATE,
    maxUnexplained,
    cache: cachedModels ? `warm: ${cachedModels} models already in ${cacheRoot} (cached mutants are not rebuilt)` : 'cold: an empty model cache, every mutant built',
  });
  writeFileSync(out, markdown);
  process.stdout.write(`report: ${out}\n`);
  const failing = reports.filter((r) => r.killRate < TARGET_KILL_RATE || r.unexplained > maxUnexplained);
  for (const r of failing) {
    process.stdout.write(`FAIL ${r.block}: kill rate ${(100 * r.killRate).toFixed(1)}%, ${r.unexplained} unexplained survivor(s)\n`);
  }
  return failing.length ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`mutation: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(2);
  },
);
