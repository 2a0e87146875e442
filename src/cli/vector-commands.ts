/** `check` and `golden`: commands on vector files (SPEC §7). */
import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { CHECK_SIMULATORS, checkVectorFile, type CheckSimulator } from '../app/check.js';
import { writeFileAtomically } from '../io/write.js';
import { loadVectorFile, withGoldenExpected } from '../vectors/file.js';
import { formatOperations } from '../estimate/operations.js';
import { intOption, type Io } from './options.js';

export function registerVectorCommands(program: Command, io: Io): void {
  program
    .command('check')
    .summary('check a vector file on the golden model and, with --rtl, on the RTL')
    .argument('<file>', 'vector file (format spikeforge.vectors.v1, described in docs/vectors.md)')
    .option('--rtl', 'also co-simulate the generated RTL (under Verilator unless --sim says otherwise)')
    .addOption(
      new Option('--sim <simulator>', 'simulator for --rtl (implies --rtl); "both" also requires the two to agree on every beat')
        .choices(CHECK_SIMULATORS)
        .default('verilator'),
    )
    .addOption(intOption('-s, --seed <s>', 'simulator seed (X state, back-pressure)', 1))
    .option('--trace-dir <dir>', 'where a mismatch waveform goes', 'rtl-out/check')
    .description(
      'Evaluate the golden model (and with --rtl the generated RTL) on every case of FILE and ' +
        'compare with every expected value present. Exit 0 if all match; otherwise print the ' +
        'first mismatch (case, key, index, expected, got) and exit 1. A malformed file or ' +
        'config exits 2 naming the problem, as does an expected value whose shape is not the output\'s (naming the key and the shape) and, without --rtl, a file with no expected values (it checks nothing). --sim icarus runs the RTL under Icarus Verilog; ' +
        '--sim both runs Verilator and Icarus with the same random schedule and fails unless ' +
        'they deliver the same bits on the same cycles.',
    )
    .action(async (file: string, opts: { rtl?: boolean; sim: CheckSimulator; seed: number; traceDir: string }, cmd: Command) => {
      const vf = loadVectorFile(file);
      for (const w of vf.warnings) io.err(`spikeforge: warning: ${w}\n`);
      const simGiven = cmd.getOptionValueSource('sim') === 'cli';
      const report = await checkVectorFile(vf, {
        rtl: Boolean(opts.rtl) || simGiven,
        sim: opts.sim,
        seed: opts.seed,
        traceDir: resolve(opts.traceDir),
        log: (line) => io.err(`  ${line}\n`),
      });
      const rtl = report.rtl ? ` (${report.rtl.cycles} cycles, model ${report.rtl.cacheHit ? 'from cache' : `built in ${report.rtl.buildSeconds.toFixed(1)} s`})` : '';
      io.out(
        report.values
          ? `PASS ${file}: ${report.cases} cases, ${report.values} expected values match the golden model${report.rtl ? ` and the RTL under ${report.rtl.simulators.join(' and ')}${rtl}` : ''}\n`
          : `PASS ${file}: ${report.cases} cases, no expected values in the file; the RTL under ${report.rtl!.simulators.join(' and ')} matches the golden model${rtl}\n`,
      );
      if (report.operations) io.out(formatOperations(report.operations));
    });

  program
    .command('golden')
    .summary('fill in the expected values of a vector file from the golden model')
    .argument('<file>', 'vector file (docs/vectors.md); its expected values are replaced')
    .requiredOption('-o, --out <file>', 'where to write the completed vector file')
    .description('Write FILE back with every case\'s `expected` filled in by the golden model.')
    .action((file: string, opts: { out: string }) => {
      const vf = loadVectorFile(file);
      for (const w of vf.warnings) io.err(`spikeforge: warning: ${w}\n`);
      writeFileAtomically(opts.out, `${JSON.stringify(withGoldenExpected(vf), null, 1)}\n`);
      io.out(`wrote ${opts.out}: ${vf.cases.length} cases\n`);
    });
}
