/**
 * The simulated board (docs/board.md, co-simulation): the pin-level board top
 * (`<name>_icebreaker`: UART, FIFO, frame parser, the head, power-on reset) under Verilator
 * with a harness (templates/board/board_tb.cpp.hbs) that turns stdin into serial bits on
 * rx_i and the bits on tx_o back into bytes on stdout. As a ByteLink it is what
 * `spikeforge board run --sim` talks to, with the same framing code as a real port.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Design } from '../design/design.js';
import type { SsaDerived } from '../blocks/ssa_head/derive.js';
import { CACHE_DIR } from '../base/paths.js';
import { ConfigError, MismatchError, ToolFailedError } from '../base/errors.js';
import { renderTemplate } from '../render/templates.js';
import { toolVersion } from '../tools/run.js';
import { StreamLink, type ByteLink } from '../tools/byte-link.js';
import { buildCachedSim, verilatorHost, type CachedSim } from './cache.js';
import { compileVerilatorModel, VERILATOR_FLAGS } from './verilator.js';

/** The build flags: randomised initial state and the design's assertions, as in every co-simulation. */
// Every co-simulation flag but the observation streams: the board harness drives pins only.
const FLAGS = VERILATOR_FLAGS.filter((f) => f !== '-DSPIKEFORGE_OBSERVE');

/** The board settings of a design, or a config error naming the key. */
export function boardOf(design: Design): { s: SsaDerived; top: string } {
  if (design.config.top !== 'ssa_head') throw new ConfigError('top', design.config.top, 'allowed: "ssa_head" (a board top holds a head)');
  const s = design.derived as SsaDerived;
  if (!s.board) throw new ConfigError('board', null, 'allowed: the board the bitstream was built for, e.g. {"name": "icebreaker", "baud": 115200}');
  return { s, top: `${s.name}_${s.board.name}` };
}

export async function buildBoardSim(design: Design, timeoutSeconds = 600): Promise<CachedSim> {
  const { s, top } = boardOf(design);
  const tb = renderTemplate('board/board_tb.cpp.hbs', { top, divider: s.board!.divider });
  return buildCachedSim({
    root: join(CACHE_DIR, 'verilator'),
    files: design.files,
    tbName: 'tb.cpp',
    tb,
    version: await toolVersion('verilator'),
    flags: FLAGS,
    top,
    host: await verilatorHost(),
    binary: join('obj', 'Vsim'),
    compile: (tmp, svPaths) => compileVerilatorModel(tmp, top, FLAGS, svPaths, `building the simulated board ${top}`, timeoutSeconds),
  });
}

export interface SimBoardOptions {
  seed: number;
  /** Clocks per bit of the bytes sent into rx_i (default: the design's divider). */
  rxDivider?: number;
}

/** Harness exit statuses (templates/board/board_tb.cpp.hbs). */
const STATUS: Record<number, string> = {
  3: 'ran out of cycles',
  5: 'lit its red LED: a received byte was lost or had a bad stop bit',
  6: 'failed an assertion',
  7: 'sent a byte with a bad stop bit',
};

/** Starts the simulated board; its stdin/stdout are the serial line. */
export function openSimulatedBoard(build: CachedSim, design: Design, opts: SimBoardOptions): ByteLink {
  const { top } = boardOf(design);
  const args = [`+verilator+seed+${(opts.seed % 2147483646) + 1}`, '+verilator+rand+reset+2', ...(opts.rxDivider ? [`+rxdiv=${opts.rxDivider}`] : [])];
  const child = spawn(build.binary, args, { cwd: build.rtlDir, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : -1)));
    child.on('error', () => resolve(-1));
  });
  return new StreamLink(`the simulated board (${top} under Verilator)`, child.stdout, child.stdin, async () => {
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await exited;
    clearTimeout(timer);
    if (code === 0) return;
    const why = STATUS[code];
    if (why) throw new MismatchError(`the simulated board ${why}\n${stderr.trim()}`);
    throw new ToolFailedError(build.binary, `simulating ${top}`, stderr);
  });
}
