/** `board run` and `board build`: the head on a board (docs/board.md). */
import { Option, type Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ArgumentError } from '../base/errors.js';
import { buildBoard, runBoard } from '../app/board.js';
import { baudText } from '../blocks/ssa_head/board.js';
import { boardOf, buildBoardSim, openSimulatedBoard } from '../cosim/board.js';
import { openSerial } from '../tools/serial.js';
import type { ByteLink } from '../tools/byte-link.js';
import { writeFileAtomically } from '../io/write.js';
import { loadVectorFile } from '../vectors/file.js';
import { designSource, FORCE_HELP } from './design-commands.js';
import { fitOptions, intOption, type FitCliOptions, type Io } from './options.js';

export function registerBoardCommands(program: Command, io: Io): void {
  const board = program
    .command('board')
    .summary('the head on an FPGA board: bitstream, and a run over the serial port')
    .description(
      'A design whose config has a "board" key (docs/board.md) gets a board top: the head ' +
        'behind a UART. `board build` makes its bitstream, `board run` sends a vector ' +
        'file through it, on the board or on the simulated board.',
    );

  board
    .command('run')
    .summary('send a vector file to the board and compare the spikes it returns')
    .argument('<file>', 'vector file (docs/vectors.md) whose config has the board key')
    .option('--port <device>', 'serial port of the board, e.g. /dev/ttyUSB1')
    .option('--sim', 'talk to the simulated board (Verilator) instead of a port')
    .addOption(intOption('--idle-ms <ms>', 'give up on a response after this long silent', 2000))
    .addOption(intOption('-s, --seed <s>', 'simulator seed with --sim (X state)', 1))
    .description(
      'Send every case of FILE as a frame, read the spike rows the board returns and ' +
        'compare them with the expected values (the golden model where the file has ' +
        'none). Exit 0 if all match; otherwise print the first mismatch and exit 1. ' +
        '--port sets the port to raw 8N1 at the config\'s baud rate with stty.',
    )
    .action(async (file: string, opts: { port?: string; sim?: boolean; idleMs: number; seed: number }) => {
      if (Boolean(opts.port) === Boolean(opts.sim)) throw new ArgumentError('--port', 'give either --port DEVICE or --sim');
      const vf = loadVectorFile(file);
      for (const w of vf.warnings) io.err(`spikeforge: warning: ${w}\n`);
      const { s, top } = boardOf(vf.design);
      let link: ByteLink;
      if (opts.sim) {
        io.err(`  building the simulated board ${top}...\n`);
        const build = await buildBoardSim(vf.design);
        io.err(`  model ${build.cacheHit ? 'from cache' : `built in ${build.seconds.toFixed(1)} s`}\n`);
        link = openSimulatedBoard(build, vf.design, { seed: opts.seed });
      } else {
        if (!existsSync(opts.port!)) throw new ArgumentError('--port', `${opts.port}: no such device (the iCEBreaker's UART is usually the second FTDI port, e.g. /dev/ttyUSB1)`);
        link = await openSerial(opts.port!, s.board!.baud);
      }
      let report;
      try {
        // On a real port, first let a frame an earlier run left half-sent time out.
        const settleMs = opts.sim ? 0 : s.board!.timeoutMs + 100;
        report = await runBoard(vf, link, { idleMs: opts.idleMs, settleMs, log: (l) => io.err(`  ${l}\n`) });
      } catch (e) {
        await link.close().catch(() => {});
        throw e;
      }
      await link.close();
      io.out(
        `PASS ${file}: ${report.cases} cases, ${report.values} spike rows from ${link.name} match ` +
          `(${report.bytesSent} bytes sent, ${report.bytesReceived} received, ${baudText(s.board!)})\n`,
      );
    });

  board
    .command('build')
    .summary("write a design with its board top and build the board's bitstream")
    .argument('<config>', 'design config with the board key (docs/config.md)')
    .option('-o, --out <dir>', 'output folder (default: rtl-out/<name>)')
    .option('--force', FORCE_HELP)
    .addOption(fitOptions()[0]!)
    .addOption(fitOptions()[1]!)
    .addOption(fitOptions()[2]!)
    .addOption(intOption('--seed <n>', 'nextpnr seed', 1))
    .addOption(new Option('--json', 'print the place-and-route report as JSON'))
    .description(
      'Generate the design (as `generate`), synthesise its pin-level board top, place and ' +
        'route it with the PCF against the board clock (nextpnr-ice40; a design that ' +
        'misses the clock is an error), and pack <top>.bin with icepack, next to ' +
        '<top>-pnr.json in the folder.',
    )
    .action(async (config: string, opts: { out?: string; force?: boolean; seed: number; json?: boolean } & FitCliOptions) => {
      const src = designSource(config, opts, io);
      boardOf(src.design);
      const { bin, report, name } = await buildBoard(src.design, { seed: opts.seed, timeoutSeconds: 1800 });
      const binPath = join(src.dir, `${name}.bin`);
      writeFileAtomically(join(src.dir, `${name}-pnr.json`), `${JSON.stringify(report, null, 2)}\n`);
      writeFileAtomically(binPath, bin);
      if (opts.json) {
        io.out(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      io.out(
        `${name}: ${relative(process.cwd(), binPath)} (${bin.length} bytes) for the ${report.device} (${report.package}): ` +
          `${report.lcs}/${report.lcsAvailable} logic cells, ${report.brams} block RAMs, ${report.sprams} SPRAMs, ` +
          `Fmax ${report.fmaxMHz} MHz (clock ${report.clockMHz} MHz: ${report.timingMet ? 'met' : 'NOT met'}), seed ${report.seed}, ${report.seconds.toFixed(0)} s\n`,
      );
    });
}
