/** `generate`, `verify` and `schema`: commands that start from a config file. */
import type { Command } from 'commander';
import { relative } from 'node:path';
import { configJsonSchema } from '../base/config.js';
import { generateDesign } from '../design/design.js';
import { verifyDesign } from '../app/verify.js';
import { netlistSimulator } from '../cosim/netlist.js';
import { ICE40_DEVICES } from '../targets/ice40.js';
import { Option } from 'commander';
import { loadConfigFile } from '../io/config-file.js';
import { writeFileAtomically, writeFolderAtomically } from '../io/write.js';
import { applyFit, fitOptions, intOption, outputDir, type FitCliOptions, type Io } from './options.js';
import { schemaMarkdown } from './schema-markdown.js';

export function registerDesignCommands(program: Command, io: Io): void {
  program
    .command('generate')
    .summary('write the RTL of a design config (SystemVerilog, .mem, filelist, FuseSoC core, manifest)')
    .argument('<config>', 'design config, JSON or YAML (every key: docs/config.md; JSON Schema: `spikeforge schema`)')
    .option('-o, --out <dir>', 'output folder (default: rtl-out/<name>)')
    .addOption(fitOptions()[0]!)
    .addOption(fitOptions()[1]!)
    .addOption(fitOptions()[2]!)
    .description(
      'Validate CONFIG and write the design: SystemVerilog (one module per file), .mem ROM ' +
        'images where used, a filelist <name>.f, a FuseSoC core <name>.core and manifest.json ' +
        '(the full config with defaults, derived widths and latency, content hashes). ' +
        'The folder is replaced atomically; output is byte-identical for the same config.',
    )
    .action((config: string, opts: { out?: string } & FitCliOptions) => {
      const cfg = applyFit(loadConfigFile(config), opts, io);
      const design = generateDesign(cfg);
      const dir = outputDir(opts.out, cfg.name);
      writeFolderAtomically(dir, design.files);
      io.out(`${design.topModule}: ${design.files.length} files in ${relative(process.cwd(), dir) || '.'} (config hash ${design.configHash})\n`);
      for (const [k, v] of Object.entries(design.block.describe(design.derived))) io.out(`  ${k} = ${v}\n`);
    });

  program
    .command('verify')
    .summary('co-simulate a design against its golden model (random, corner, exhaustive cases)')
    .argument('<config>', 'design config, JSON or YAML')
    .addOption(intOption('-n, --vectors <n>', 'random cases on top of the corner and exhaustive ones', 50))
    .addOption(intOption('-s, --seed <s>', 'seed of the stimulus and of the simulator (X state, back-pressure)', 1))
    .option('--trace', 'keep a VCD waveform of the back-pressure run even when it passes')
    .option('--netlist', 'simulate the Yosys-synthesised iCE40 netlist (with Yosys\'s cell models) instead of the RTL')
    .addOption(new Option('--device <device>', 'with --netlist: the iCE40 device whose synth_ice40 flow makes the netlist (up5k: -device u -spram)').choices(ICE40_DEVICES.map((d) => d.name)).default('hx8k'))
    .option('-o, --out <dir>', 'output folder for the RTL and waveforms (default: rtl-out/<name>)')
    .addOption(fitOptions()[0]!)
    .addOption(fitOptions()[1]!)
    .addOption(fitOptions()[2]!)
    .description(
      'Generate the design, build its Verilator model (cached by content hash: a second run ' +
        'with another seed does not rebuild), then drive corner, random and, where the input ' +
        'space is small, exhaustive cases and compare every output bit with the golden model: ' +
        'once at full throughput and once with random input gaps and output back-pressure, ' +
        'from randomised initial state. On a mismatch, prints the first one and the path of a ' +
        'VCD waveform of the failing run. Exit 0 only if everything matches. With --netlist the ' +
        'same runs drive the iCE40 netlist that Yosys synthesises from the RTL (synth_ice40 for ' +
        '--device; up5k adds -device u -spram), simulated with Yosys\'s own cell models, so ' +
        'inferred block RAMs and SPRAMs are checked too.',
    )
    .action(async (config: string, opts: { vectors: number; seed: number; trace?: boolean; netlist?: boolean; device: string; out?: string } & FitCliOptions) => {
      const cfg = applyFit(loadConfigFile(config), opts, io);
      const design = generateDesign(cfg);
      const dir = outputDir(opts.out, cfg.name);
      writeFolderAtomically(dir, design.files);
      io.out(`${design.topModule}: RTL in ${relative(process.cwd(), dir) || '.'}\n`);
      const device = ICE40_DEVICES.find((d) => d.name === opts.device)!;
      const flags = device.yosysFlags.join(' ');
      const report = await verifyDesign(design, {
        vectors: opts.vectors,
        seed: opts.seed,
        trace: Boolean(opts.trace),
        traceDir: dir,
        log: (line) => io.err(`  ${line}\n`),
        ...(opts.netlist ? { simulatorImpl: netlistSimulator('verilator', flags), subject: `the iCE40 netlist (synth_ice40${flags ? ` ${flags}` : ''}, ${device.name})` } : {}),
      });
      if (opts.netlist) io.out(`netlist: synth_ice40${flags ? ` ${flags}` : ''} (${device.name}), simulated with Yosys's ice40/cells_sim.v\n`);
      const runs = report.runs.map((r) => `${r.label} ${r.cycles} cycles`).join(', ');
      io.out(
        `PASS bit-exact: ${report.cases} cases, ${report.values} output values; ${runs}` +
          `${report.expectedCycles !== null ? ` (expected ${report.expectedCycles} at full throughput)` : ''}; ` +
          `model ${report.build.cacheHit ? 'from cache' : `built in ${report.build.seconds.toFixed(1)} s`}\n`,
      );
      if (report.tracePath) io.out(`waveform: ${report.tracePath}\n`);
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
