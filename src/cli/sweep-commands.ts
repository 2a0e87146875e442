/** `synth`, `estimate`, `sweep`, `merge` and `calibrate`: area, Fmax and design-space sweeps. */
import { Option, type Command } from 'commander';
import { join, relative, resolve } from 'node:path';
import { BLOCK_NAMES, type BlockName } from '../base/config.js';
import { InputFileError, InterruptedError } from '../base/errors.js';
import { stopReason } from '../base/interrupt.js';
import { TARGET_NAMES, TARGETS, type TargetName } from '../targets/index.js';
import { calibrate } from '../estimate/calibrate.js';
import { DEFAULT_CALIBRATION_PATH } from '../estimate/calibration.js';
import { blocksWithModels, estimateConfig } from '../estimate/index.js';
import type { EstimateTarget } from '../targets/cost.js';
import { loadConfigFile } from '../io/config-file.js';
import { writeFileAtomically } from '../io/write.js';
import { fmtNum } from '../sweep/svg.js';
import { mergeResults, missingPoints, readResults, type SweepResults } from '../sweep/results.js';
import { defaultJobs, parseSynthMode, runSweep, sweepOutDir, writeOutputs, type SweepRunOptions } from '../sweep/run.js';
import { loadSweepFile, SweepFileError } from '../sweep/spec.js';
import { SHARDS_ENV, shardFromEnv } from '../sweep/shard.js';
import { formatSynth, synthDesign } from '../app/synth.js';
import { DEFAULT_DEVICE, DEVICE_NAMES } from '../tools/nextpnr.js';
import { applyFit, fitOptions, intOption, type FitCliOptions, type Io } from './options.js';
import { assumedRates, DEFAULT_SPIKE_RATE, formatOperations, operationsPerSequence } from '../estimate/operations.js';
import { deriveDesign } from '../design/design.js';
import { DESIGN_HELP, designSource, FORCE_HELP, warner } from './design-commands.js';

const targetOption = () =>
  new Option('-t, --target <target>', `synthesis target: ${TARGET_NAMES.map((t) => TARGETS[t].summary).join('; ')}`).choices([...TARGET_NAMES]).default('ice40');

function seconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new SweepFileError('--timeout', v, 'allowed: a number of seconds > 0');
  return n;
}

/** --spike-rate: the spike rate assumed for operation counts that depend on data (docs/energy.md). */
const spikeRateOption = () =>
  new Option(
    '--spike-rate <r>',
    `spike rate (0 … 1) assumed for the operation counts that depend on data — ssa_head's A·V accumulates, per V spike — in the operations and energy per sequence (measure real rates with \`spikeforge check FILE\`)`,
  )
    .default(DEFAULT_SPIKE_RATE)
    .argParser((v: string) => {
      const r = Number(v);
      if (!/^\s*[0-9.eE+-]+\s*$/.test(v) || !Number.isFinite(r) || r < 0 || r > 1) throw new SweepFileError('--spike-rate', v, 'allowed: a number from 0 to 1');
      return r;
    });

function rel(p: string): string {
  return relative(process.cwd(), p) || '.';
}

function summaryLines(r: SweepResults): string {
  const s = r.summary;
  const c = s.counts;
  const lines = [
    `${s.points} points: ${c.ok} ok, ${c.estimated} estimated only, ${c.invalid} invalid, ${c.failed} failed, ${c.timeout} timed out${c['not-run'] ? `, ${c['not-run']} not run (stopped)` : ''}`,
    s.estimator.compared
      ? `estimator: median |LUT error| ${s.estimator.medianAbsLutErrorPct}% over ${s.estimator.compared} synthesised points (largest ${s.estimator.maxAbsLutErrorPct}%)${s.estimator.medianAbsFfErrorPct !== null ? `, flip-flops ${s.estimator.medianAbsFfErrorPct}%` : ''}`
      : 'estimator: no point has both an estimate and a synthesis result',
    `Pareto front (area vs throughput ${s.throughputBasis === 'per-second' ? 'per second' : 'per cycle'}): ${s.pareto.length ? s.pareto.map((i) => `#${i}`).join(' ') : 'none'}`,
  ];
  return `${lines.join('\n')}\n`;
}

export function registerSweepCommands(program: Command, io: Io): void {
  program
    .command('synth')
    .summary('synthesise with Yosys and count cells; with --pnr, place and route for Fmax')
    .argument('[config]', 'design config, JSON or YAML (or --design DIR)')
    .addOption(targetOption())
    .option('--pnr', 'iCE40 only: also place and route with nextpnr-ice40 and report Fmax')
    .addOption(new Option('--device <device>', 'iCE40 device for --pnr ("auto": the smallest that fits)').choices([...DEVICE_NAMES]).default(DEFAULT_DEVICE))
    .addOption(intOption('--seed <n>', 'nextpnr placement seed (fixed: the result is reproducible)', 1))
    .addOption(new Option('--timeout <seconds>', 'time limit of each tool run (Yosys, nextpnr)').default(600).argParser(seconds))
    .option('--no-cache', 'run Yosys and nextpnr even when the cache holds their output of an identical run')
    .addOption(spikeRateOption())
    .option('--json', 'print the result as JSON instead of a table')
    .option('-o, --out <dir>', 'design folder (default: rtl-out/<name>)')
    .option('--design <dir>', DESIGN_HELP)
    .option('--force', FORCE_HELP)
    .addOption(fitOptions()[0]!)
    .addOption(fitOptions()[1]!)
    .addOption(fitOptions()[2]!)
    .description(
      'Synthesise the design with Yosys and count its cells: on ice40 SB_LUT4, SB_CARRY, SB_DFF* and SB_RAM40_4K; on generic, LUT6 cells and the logic depth in LUTs; on xc7 (AMD 7-series, synth_xilinx), LUT1-6 (LUT RAM counted as LUTs too), CARRY4, flip-flops, RAMB18E1/RAMB36E1 (in RAMB18 units) and DSP48E1, as Vivado\'s utilisation report groups them. With --pnr (ice40), place and route it with nextpnr-ice40 inside a five-pin I/O shell (registered inputs and outputs; the design\'s own ports are usually more than the pins) on an HX8K by default and report Fmax, or say that it does not fit. The analytic estimate and its error are shown alongside. The RTL and synth-<target>.json go into the design folder (files other than the design\'s own are kept). With --design DIR, synthesises the RTL as it is in DIR (edited or not) and says which files differ from the generator\'s output; without it, a design folder whose generated files were edited is not overwritten (exit 2). Each tool run is stopped after --timeout seconds (exit 3).',
    )
    .action(async (config: string | undefined, opts: { target: TargetName; pnr?: boolean; device: string; seed: number; timeout: number; cache: boolean; spikeRate: number; json?: boolean; out?: string; design?: string; force?: boolean } & FitCliOptions) => {
      if (opts.pnr && opts.target !== 'ice40') throw new SweepFileError('--pnr', true, 'place-and-route (Fmax) needs --target ice40');
      const src = designSource(config, opts, io);
      const { design, dir } = src;
      if (!opts.json) for (const n of src.onDisk?.notes ?? []) io.out(`note: ${n}\n`);
      const result = await synthDesign(design, {
        target: opts.target,
        pnr: Boolean(opts.pnr),
        device: opts.device,
        seed: opts.seed,
        timeoutSeconds: opts.timeout,
        cache: opts.cache,
        rtl: src.onDisk ? { source: 'disk', changed: src.onDisk.changed } : { source: 'generated', changed: [] },
        spikeRate: opts.spikeRate,
      });
      const file = join(dir, `synth-${opts.target}.json`);
      writeFileAtomically(file, `${JSON.stringify(result, null, 2)}\n`);
      if (opts.json) io.out(`${JSON.stringify(result, null, 2)}\n`);
      else io.out(`${formatSynth(result)}  written to ${rel(file)}\n`);
    });

  program
    .command('estimate')
    .summary('estimate resources from the config alone (no tools)')
    .argument('<config>', 'design config, JSON or YAML')
    .addOption(targetOption())
    .addOption(spikeRateOption())
    .option('--json', 'print the estimate as JSON')
    .addOption(fitOptions()[0]!)
    .addOption(fitOptions()[1]!)
    .addOption(fitOptions()[2]!)
    .description(
      'Estimate LUTs, flip-flops, carries and block RAMs of the design from its derived parameters alone (no RTL, no tools; milliseconds), with the term-by-term breakdown. Coefficients come from calibration/estimator.json (fitted to Yosys by `calibrate`); terms without a fitted coefficient use their prior and are marked so. Also prints the operations per sequence (bit operations, synaptic accumulates, adds, LIF updates) and their arithmetic energy from 45 nm per-operation figures, at an assumed spike rate (--spike-rate; docs/energy.md): an estimate, not a measurement.',
    )
    .action((config: string, opts: { target: EstimateTarget; spikeRate: number; json?: boolean } & FitCliOptions) => {
      const cfg = applyFit(loadConfigFile(config, warner(io)), opts, io);
      const e = estimateConfig(cfg, opts.target);
      const operations = operationsPerSequence(cfg.top, deriveDesign(cfg).derived, assumedRates(opts.spikeRate));
      if (opts.json) {
        io.out(`${JSON.stringify({ ...e, operations }, null, 2)}\n`);
        return;
      }
      const lut = opts.target === 'ice40' ? 'SB_LUT4' : opts.target === 'xc7' ? 'LUT' : 'LUT6';
      io.out(`${cfg.name} (${cfg.top}) on ${opts.target}: estimate${e.calibrated ? '' : ' (some terms not calibrated: priors used)'}\n`);
      io.out(`  ${lut.padEnd(12)}${String(e.luts).padStart(8)}\n  ${'flip-flops'.padEnd(12)}${String(e.ffs).padStart(8)}\n`);
      if (opts.target === 'ice40') io.out(`  ${'SB_CARRY'.padEnd(12)}${String(e.carries).padStart(8)}\n  ${'SB_RAM40_4K'.padEnd(12)}${String(e.brams).padStart(8)}\n`);
      if (opts.target === 'xc7') io.out(`  ${'CARRY4'.padEnd(12)}${String(e.carries).padStart(8)}\n  ${'RAMB18 units'.padEnd(12)}${String(e.brams).padStart(8)}\n`);
      io.out(`  ${'memory bits'.padEnd(12)}${String(e.memoryBits).padStart(8)}\n  rate: ${fmtNum(e.rate.itemsPerCycle)} ${e.rate.item} per clock\n  terms:\n`);
      for (const t of e.terms.filter((x) => x.value !== 0)) {
        io.out(`    ${t.resource.padEnd(8)}${t.name.padEnd(24)}${fmtNum(t.value).padStart(8)} × ${t.coefficient.toFixed(3).padStart(7)} = ${t.contribution.toFixed(1).padStart(8)}  ${t.source === 'prior' ? '(prior) ' : ''}${t.note}\n`);
      }
      if (operations) io.out(formatOperations(operations));
    });

  program
    .command('sweep')
    .summary('run a design-space sweep: generate, verify, synthesise every point')
    .argument('<sweep>', 'sweep file, YAML or JSON: base config + axes (see docs/sweeps.md)')
    .addOption(intOption('-j, --jobs <n>', 'points run in parallel', defaultJobs()))
    .option('--shard <K/N|auto>', `run only slice K of N (every N-th point from K); join the slices with \`merge\`. "auto": K and N from the array job this runs in (Slurm job array, or Kubernetes Indexed Job with --shards N or ${SHARDS_ENV}; docs/cluster.md)`)
    .addOption(
      new Option('--shards <n>', `with --shard auto in a Kubernetes Indexed Job: the shard count (the Job's completions; or set ${SHARDS_ENV})`).argParser((v) => {
        if (!/^\d+$/.test(v) || Number(v) < 1) throw new SweepFileError('--shards', v, 'allowed: a shard count ≥ 1');
        return Number(v);
      }),
    )
    .addOption(
      new Option('--verify <n>', 'co-simulate each point with N random vectors (+ corners) under Verilator; 0: none (default: the file\'s "verify")').argParser((v) => {
        if (!/^\d+$/.test(v)) throw new SweepFileError('--verify', v, 'allowed: a non-negative integer');
        return Number(v);
      }),
    )
    .option('--synth <mode>', 'which points to synthesise: all, none, or top-K (the K most promising by the estimate)', 'all')
    .option('--retry-failed', 're-run points whose cached result is failed or timeout')
    .option('--no-cache', 'run Yosys and nextpnr for every point run, even when the cache holds their output of an identical run (their times are then all measured now)')
    .option('-o, --out <dir>', 'sweep folder (default: rtl-out/sweeps/<name>, or rtl-out/sweeps/<name>-shard-K-of-N)')
    .description(
      'Run a design-space sweep: every combination of the axes\' values (the cartesian product) is generated, optionally co-simulated (--verify) and synthesised (with place-and-route when the file says `synth: {pnr: true}`), --jobs points at a time, with a progress line and ETA on stderr. Each finished point is cached in <out>/points/ by a content hash, so a re-run, or a run after an interruption, does only what is missing; Yosys and nextpnr output of an identical earlier run (any sweep or `synth`) is reused unless --no-cache. A config error makes an "invalid" point, a tool error a "failed" one, a tool run over its time limit a "timeout" one; the sweep goes on. Writes results.json, results.csv and report.html (plots of area, Fmax, throughput, the Pareto front and the estimator\'s error) into <out>. Ctrl-C (SIGINT) or SIGTERM stops the sweep: running tools are killed and their temporary folders removed, finished points are kept, the unfinished ones are recorded as "not-run" (never "failed"), and the exit status is 130 (SIGINT) or 143 (SIGTERM); the same command then runs exactly the unfinished points. With --shard, runs one slice of the points (K/N, or auto: from the Slurm job array or Kubernetes Indexed Job it runs in) into a folder of its own; `merge` joins the slices.',
    )
    .action(async (file: string, opts: { jobs: number; shard?: string; shards?: number; verify?: number; synth: string; retryFailed?: boolean; cache: boolean; out?: string }) => {
      const shard = shardFromEnv(process.env, { shard: opts.shard, shards: opts.shards });
      const spec = loadSweepFile(file);
      const synth = parseSynthMode(opts.synth);
      if (opts.jobs < 1) throw new SweepFileError('--jobs', opts.jobs, 'allowed: an integer ≥ 1');
      const out = sweepOutDir(spec, opts.out, shard);
      const tty = Boolean(process.stderr.isTTY);
      const runOpts: SweepRunOptions = {
        out,
        jobs: opts.jobs,
        shard,
        verify: opts.verify,
        synth,
        retryFailed: Boolean(opts.retryFailed),
        toolCache: opts.cache,
        progress: (line, final) => io.err(tty ? `\r\x1b[K${line}${final ? '\n' : ''}` : `${line}\n`),
      };
      // SIGINT/SIGTERM (src/cli/main.ts) stop the pool and kill running tools; runSweep
      // then records the unfinished points as not run and writes the outputs.
      const outcome = await runSweep(spec, runOpts);
      for (const w of outcome.warnings) io.err(`spikeforge: warning: ${w}\n`);
      io.out(`${summaryLines(outcome.results)}${outcome.ran} points run, ${outcome.cached} from cache, ${outcome.seconds.toFixed(1)} s\n`);
      io.out(`results: ${rel(join(outcome.out, 'results.csv'))}, ${rel(join(outcome.out, 'results.json'))}, ${rel(join(outcome.out, 'report.html'))}\n`);
      if (outcome.interrupted) {
        const sig = stopReason() ?? 'SIGINT';
        throw new InterruptedError(
          sig,
          `${sig}: stopped; ${outcome.results.points.length - outcome.notRun} points finished (cached in ${rel(join(out, 'points'))}), ${outcome.notRun} not run — run the same command again to resume`,
        );
      }
    });

  program
    .command('merge')
    .summary('join the results of sweep shards')
    .argument('<dirs...>', 'sweep folders (the shards of one sweep)')
    .requiredOption('-o, --out <dir>', 'folder for the merged results.json, results.csv and report.html')
    .option('--complete', 'fail (exit 2, writing nothing) unless every point of the sweep is finished in one of the folders: none missing, none not run')
    .description(
      'Join the results of shards of one sweep (`sweep --shard K/N` or `--shard auto`, e.g. the tasks of a cluster array job) into one results.json, results.csv and report.html, as if the sweep had run in one piece. Every folder must come from the same sweep definition (checked by its hash). With --complete, a missing shard or a point a stopped shard did not run is an error (for the merge step of a cluster job).',
    )
    .action((dirs: string[], opts: { out: string; complete?: boolean }) => {
      const parts = dirs.map((dir) => ({ dir, results: readResults(dir) }));
      const merged = mergeResults(parts);
      const gaps = missingPoints(merged);
      if (opts.complete && (gaps.missing.length || gaps.notRun.length)) {
        const list = (xs: number[]) => `${xs.slice(0, 20).map((i) => `#${i}`).join(' ')}${xs.length > 20 ? ' …' : ''}`;
        throw new InputFileError(
          'SF_CONFIG_UNREADABLE',
          `merge --complete: the folders do not hold the whole sweep (${merged.sweep.totalPoints} points):` +
            `${gaps.missing.length ? ` ${gaps.missing.length} in none of them (${list(gaps.missing)}${gaps.shards.length ? `; shards ${gaps.shards.join(', ')} missing` : ''});` : ''}` +
            `${gaps.notRun.length ? ` ${gaps.notRun.length} not run (a shard was stopped: ${list(gaps.notRun)}); run those shards again (their finished points come from their caches) and merge again` : ''}`,
        );
      }
      const out = resolve(opts.out);
      writeOutputs(out, merged);
      const missing = gaps.missing.length;
      io.out(`${summaryLines(merged)}merged ${dirs.length} folders${missing ? `; ${missing} of ${merged.sweep.totalPoints} points are in none of them` : ''}\nresults: ${rel(join(out, 'results.csv'))}, ${rel(join(out, 'results.json'))}, ${rel(join(out, 'report.html'))}\n`);
    });

  program
    .command('calibrate')
    .summary('fit the estimator to Yosys results')
    .addOption(new Option('-b, --block <block...>', 'blocks to calibrate (default: every block with a resource model)').choices([...BLOCK_NAMES]))
    .addOption(new Option('-t, --target <target...>', 'synthesis targets').choices([...TARGET_NAMES]).default([...TARGET_NAMES]))
    .addOption(intOption('-j, --jobs <n>', 'syntheses in parallel', defaultJobs()))
    .addOption(new Option('--timeout <seconds>', 'time limit of each synthesis').default(600).argParser(seconds))
    // The default is shown as the package-relative path: the absolute one depends on where the
    // package is installed and would overflow an 80-column --help.
    .addOption(new Option('--file <path>', 'calibration file to update').default(DEFAULT_CALIBRATION_PATH, 'calibration/estimator.json in the package'))
    .option('--refit', 'no synthesis: fit again to the Yosys counts stored in the file (after changing a model\'s terms, not the RTL)')
    .description(
      'Fit the resource model to Yosys: synthesise each block\'s calibration set (listed in src/estimate/blocks/<block>.ts), fit the coefficients per target and resource, and write them with the samples and the fit error into calibration/estimator.json. Other blocks\' entries are kept.',
    )
    .action(async (opts: { block?: BlockName[]; target: EstimateTarget[]; jobs: number; timeout: number; file: string; refit?: boolean }) => {
      const have = blocksWithModels();
      const blocks = opts.block ?? have;
      for (const b of blocks) {
        if (!have.includes(b)) throw new SweepFileError('--block', b, `allowed: a block with a resource model: ${have.join(', ')}`);
      }
      const file = await calibrate({ blocks, targets: opts.target, jobs: Math.max(1, opts.jobs), timeoutSeconds: opts.timeout, path: resolve(opts.file), refit: Boolean(opts.refit), log: (l) => io.err(`${l}\n`) });
      for (const b of blocks) {
        for (const t of opts.target) {
          const e = file.blocks[b]?.[t];
          if (e) {
            io.out(
              `${b} ${t}: ${e.obtained.points} points, median |error| LUTs ${e.fitError.luts.medianAbsPct ?? '-'}% ` +
                `(leave-one-out ${e.fitError.luts.leaveOneOutMedianAbsPct ?? '-'}%), FFs ${e.fitError.ffs.medianAbsPct ?? '-'}%\n`,
            );
          }
        }
      }
      io.out(`wrote ${rel(resolve(opts.file))}\n`);
    });
}

