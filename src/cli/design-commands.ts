/** `generate`, `verify` and `schema`: commands that start from a config file or a design folder. */
import type { Command } from 'commander';
import { relative } from 'node:path';
import { configJsonSchema } from '../base/config.js';
import { ArgumentError } from '../base/errors.js';
import { generateDesign, type Design } from '../design/design.js';
import { describeRtl, loadDesignFolder, type OnDiskDesign } from '../design/on-disk.js';
import { verifyDesign } from '../app/verify.js';
import { netlistSimulator } from '../cosim/netlist.js';
import { ICE40_DEVICES } from '../targets/ice40.js';
import { InvalidArgumentError, Option } from 'commander';
import { loadConfigFile } from '../io/config-file.js';
import { writeDesignFolder } from '../io/design-folder.js';
import { writeFileAtomically } from '../io/write.js';
import { applyFit, fitOptions, intOption, outputDir, type FitCliOptions, type Io } from './options.js';
import { schemaMarkdown } from './schema-markdown.js';
import { VERILATOR_FST } from '../cosim/verilator.js';

export const FORCE_HELP =
  'write into a folder that holds no spikeforge manifest, and over generated files edited by hand (only the design\'s own files are written; nothing else is touched)';
export const DESIGN_HELP = 'work on the design in DIR as it is on disk (the config from its manifest.json, the RTL from its files) instead of generating it from a config';

export interface DesignSource {
  design: Design;
  /** The design folder: where the RTL is (and reports, waveforms go). */
  dir: string;
  /** Set with --design: the on-disk design and how it differs from the generator's output. */
  onDisk: OnDiskDesign | null;
}

/**
 * The design a command works on: from CONFIG (generated and written into -o, by the
 * design-folder rules), or from --design DIR as it is on disk (nothing is written).
 */
/** "output spike rate 43% (stimulus: q 53%, k 54%, v 17%)": how far the run is from all-or-nothing firing. */
export function spikeRateLine(rates: Record<string, number>): string {
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  const ins = Object.entries(rates).filter(([k]) => k !== 'y');
  return `output spike rate ${pct(rates['y']!)}${ins.length ? ` (stimulus: ${ins.map(([k, v]) => `${k} ${pct(v)}`).join(', ')})` : ''}`;
}

export function designSource(config: string | undefined, opts: { design?: string; out?: string; force?: boolean } & FitCliOptions, io: Io): DesignSource {
  if (opts.design !== undefined) {
    if (config !== undefined) throw new ArgumentError('--design', `takes the design from ${opts.design}; give either a config or --design, not both`);
    if (opts.fit !== undefined) throw new ArgumentError('--design', 'the folder already holds a folded design; --fit cannot be combined with it');
    if (opts.out !== undefined) throw new ArgumentError('--design', 'works in the design folder itself; --out cannot be combined with it');
    if (opts.force) throw new ArgumentError('--design', 'writes no RTL; --force cannot be combined with it');
    const onDisk = loadDesignFolder(opts.design);
    return { design: onDisk.design, dir: onDisk.dir, onDisk };
  }
  if (config === undefined) throw new ArgumentError('<config>', 'missing: give a design config, or --design DIR for a design folder');
  const cfg = applyFit(loadConfigFile(config, warner(io)), opts, io);
  const design = generateDesign(cfg);
  const dir = outputDir(opts.out, cfg.name);
  writeDesignFolder(dir, design.files, { force: Boolean(opts.force) });
  return { design, dir, onDisk: null };
}

/** Prints a warning (a config migrated from an older format, SPEC §8) on stderr. */
export function warner(io: Io): (message: string) => void {
  return (message) => io.err(`spikeforge: warning: ${message}\n`);
}

/** What a report says about the RTL it ran on (one line, or two with notes). */
export function rtlLines(src: DesignSource): string {
  if (!src.onDisk) return `${src.design.topModule}: RTL in ${relative(process.cwd(), src.dir) || '.'}\n`;
  return `${src.design.topModule}: ${describeRtl(src.onDisk)}\n${src.onDisk.notes.map((n) => `  note: ${n}\n`).join('')}`;
}

export function registerDesignCommands(program: Command, io: Io): void {
  program
    .command('generate')
    .summary('write the RTL of a design config (SystemVerilog, .mem, filelist, FuseSoC core, manifest)')
    .argument('<config>', 'design config, JSON or YAML (every key: docs/config.md; JSON Schema: `spikeforge schema`)')
    .option('-o, --out <dir>', 'output folder (default: rtl-out/<name>)')
    .option('--force', FORCE_HELP)
    .addOption(
      new Option('--testbench [cases]', 'also write testbench/: both harnesses, stream and expected files and run.sh (cases: random ones on top of the corners, default 8)').argParser((v: string) => {
        if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`"${v}" is not a non-negative integer`);
        return Number(v);
      }),
    )
    .addOption(intOption('-s, --seed <s>', 'with --testbench: seed of the random cases', 1))
    .addOption(fitOptions()[0]!)
    .addOption(fitOptions()[1]!)
    .addOption(fitOptions()[2]!)
    .description(
      'Validate CONFIG and write the design: SystemVerilog (one module per file), .mem ROM ' +
        'images where used, a filelist <name>.f, a FuseSoC core <name>.core and manifest.json ' +
        '(the full config with defaults, derived widths and latency, and the sha256 of every file). ' +
        'Only the files spikeforge wrote (those its manifest lists) are replaced, each atomically; ' +
        'files you added beside them are kept. A non-empty folder without a spikeforge manifest, ' +
        'or generated files edited since, are refused (exit 2) unless --force. ' +
        'Output is byte-identical for the same config. --testbench adds testbench/, the ' +
        'co-simulation as files, to rerun with plain iverilog or verilator (docs/integration.md).',
    )
    .action((config: string, opts: { out?: string; force?: boolean; testbench?: number | true; seed: number } & FitCliOptions) => {
      const cfg = applyFit(loadConfigFile(config, warner(io)), opts, io);
      const testbench = opts.testbench === undefined ? undefined : { cases: opts.testbench === true ? 8 : opts.testbench, seed: opts.seed };
      const design = generateDesign(cfg, testbench ? { testbench } : {});
      const dir = outputDir(opts.out, cfg.name);
      const w = writeDesignFolder(dir, design.files, { force: Boolean(opts.force) });
      io.out(
        `${design.topModule}: ${design.files.length} files in ${relative(process.cwd(), dir) || '.'} (config hash ${design.configHash}; ` +
          `${w.written.length} written, ${w.unchanged.length} unchanged${w.removed.length ? `, ${w.removed.length} removed` : ''})\n`,
      );
      if (w.kept.length) io.out(`  kept (edited, no longer part of the design): ${w.kept.join(', ')}\n`);
      for (const [k, v] of Object.entries(design.block.describe(design.derived))) io.out(`  ${k} = ${v}\n`);
    });

  program
    .command('verify')
    .summary('co-simulate a design against its golden model (random, corner, exhaustive cases)')
    .argument('[config]', 'design config, JSON or YAML (or --design DIR)')
    .addOption(intOption('-n, --vectors <n>', 'random cases on top of the corner and exhaustive ones', 50))
    .addOption(intOption('-s, --seed <s>', 'seed of the stimulus and of the simulator (X state, back-pressure)', 1))
    .option('--trace', 'keep a VCD waveform of the back-pressure run even when it passes')
    .option('--fst', 'write waveforms as FST (compressed; GTKWave, Surfer) instead of VCD: a Verilator build of its own')
    .option('--netlist', 'simulate the Yosys-synthesised iCE40 netlist (with Yosys\'s cell models) instead of the RTL')
    .addOption(new Option('--device <device>', 'with --netlist: the iCE40 device whose synth_ice40 flow makes the netlist (up5k: -device u -spram)').choices(ICE40_DEVICES.map((d) => d.name)).default('hx8k'))
    .option('-o, --out <dir>', 'output folder for the RTL and waveforms (default: rtl-out/<name>)')
    .option('--design <dir>', DESIGN_HELP)
    .option('--force', FORCE_HELP)
    .addOption(fitOptions()[0]!)
    .addOption(fitOptions()[1]!)
    .addOption(fitOptions()[2]!)
    .description(
      'Generate the design, build its Verilator model (cached by content hash: a second run ' +
        'with another seed does not rebuild), then drive corner, random and, where the input ' +
        'space is small, exhaustive cases and compare every output bit with the golden model: ' +
        'once at full throughput and once with random input gaps and output back-pressure, ' +
        'from randomised initial state. On a mismatch, prints the first one and the path of a ' +
        'VCD waveform of the failing run. Exit 0 only if everything matches. ' +
        'With --design DIR, co-simulates the RTL as it is in DIR (edited or not) against the golden model of the config in its manifest, and says which files differ from the generator\'s output. ' +
        'Without it, a design folder whose generated files were edited is not overwritten (exit 2). ' +
        'With --netlist the same runs drive the iCE40 netlist that Yosys synthesises from the RTL (synth_ice40 for --device; up5k adds -device u -spram), simulated with Yosys\'s own cell models, so inferred block RAMs and SPRAMs are checked too.',
    )
    .action(async (config: string | undefined, opts: { vectors: number; seed: number; trace?: boolean; fst?: boolean; netlist?: boolean; device: string; out?: string; design?: string; force?: boolean } & FitCliOptions) => {
      if (opts.fst && opts.netlist) throw new ArgumentError('--fst', 'is for RTL co-simulation; --netlist writes VCD');
      const src = designSource(config, opts, io);
      const { design } = src;
      io.out(rtlLines(src));
      const device = ICE40_DEVICES.find((d) => d.name === opts.device)!;
      const flags = device.yosysFlags.join(' ');
      const report = await verifyDesign(design, {
        vectors: opts.vectors,
        seed: opts.seed,
        trace: Boolean(opts.trace),
        traceDir: src.dir,
        log: (line) => io.err(`  ${line}\n`),
        ...(opts.netlist ? { simulatorImpl: netlistSimulator('verilator', flags), subject: `the iCE40 netlist (synth_ice40${flags ? ` ${flags}` : ''}, ${device.name})` } : {}),
        ...(opts.fst ? { simulatorImpl: VERILATOR_FST } : {}),
      });
      if (opts.netlist) io.out(`netlist: synth_ice40${flags ? ` ${flags}` : ''} (${device.name}), simulated with Yosys's ice40/cells_sim.v\n`);
      const runs = report.runs.map((r) => `${r.label} ${r.cycles} cycles`).join(', ');
      io.out(
        `PASS bit-exact${src.onDisk ? ' (RTL as on disk)' : ''}: ${report.cases} cases, ${report.values} output values` +
          `${report.observed.length ? ` and ${report.observedValues} internal values (${report.observed.join(', ')})` : ''}; ${runs}` +
          `${report.expectedCycles !== null ? ` (expected ${report.expectedCycles} at full throughput)` : ''}; ` +
          `model ${report.build.cacheHit ? 'from cache' : `built in ${report.build.seconds.toFixed(1)} s`}\n`,
      );
      if (report.tracePath) io.out(`waveform: ${report.tracePath}\n`);
      if (report.spikeRates['y'] !== undefined) io.out(`${spikeRateLine(report.spikeRates)}\n`);
    });

  program
    .command('schema')
    .summary('print the JSON Schema of the config')
    .option('-o, --out <file>', 'write to a file instead of standard output')
    .option('--markdown', 'print the config reference as Markdown instead (docs/config.md is this output)')
    .description(
      'Print the JSON Schema of the config, for editors that complete and check configs: ' +
        'every key with its type, range, default and description. With --markdown, print the ' +
        'same as a Markdown table per object, with the tops that read each key.',
    )
    .action((opts: { out?: string; markdown?: boolean }) => {
      const text = opts.markdown ? schemaMarkdown(configJsonSchema()) : `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
      if (opts.out) writeFileAtomically(opts.out, text);
      else io.out(text);
    });
}
