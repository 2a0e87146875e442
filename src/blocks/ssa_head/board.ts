/**
 * The board top of an ssa_head (config key `board`, docs/board.md): what the UART and the
 * frame protocol are for a design, and the frame codec the host (src/app/board.ts) and the
 * tests speak (frames.ts). Pure: no RTL, no I/O.
 *
 * Protocol (8N1, least significant bit first on the wire):
 *   host → board, one frame per sequence:
 *     0x53 ('S'), then for each head group g < F, each timestep t < T:
 *       N K/V beats (the K row's RB bytes, then the V row's RB bytes),
 *       then N Q beats (RB bytes each).
 *   board → host, one response per sequence:
 *     0x59 ('Y'), then F·T·N spike rows of RB bytes, in the same (g, t, i) order.
 * A row is W = D·E bits (E engines); it travels in RB = ceil(W / 8) bytes, byte b holding
 * bits [8b, 8b + 7] (little-endian); the bits above W in the last byte are sent as 0 and
 * ignored by the board.
 */
import type { ResolvedConfig } from '../../base/config.js';
import { bitlen } from '../../base/bits.js';
import { ConfigError } from '../../base/errors.js';

export const FRAME_START = 0x53;
export const RESPONSE_START = 0x59;
/** The largest acceptable difference between the actual and the asked-for baud rate. */
export const MAX_BAUD_ERROR = 0.02;
/** The UART receiver samples mid-bit after a half-bit wait: it needs a few clocks per bit. */
export const MIN_DIVIDER = 4;

/** What each supported board is (pins from YosysHQ/icestorm examples/icebreaker/icebreaker.pcf). */
export const BOARDS = {
  icebreaker: {
    title: 'iCEBreaker (iCE40 UP5K, SG48)',
    device: 'up5k',
    package: 'sg48',
    clockHz: 12_000_000,
    pins: { clk_i: 35, rx_i: 6, tx_o: 9, ledr_no: 11, ledg_no: 37 },
  },
} as const;

export interface BoardDerived {
  name: keyof typeof BOARDS;
  title: string;
  device: string;
  package: string;
  clockHz: number;
  pins: Record<string, number>;
  baud: number;
  /** Clocks per bit: round(clock / baud); the actual rate is clock / divider. */
  divider: number;
  actualBaud: number;
  /** (actual − asked) / asked. */
  baudError: number;
  dividerWidth: number;
  timeoutMs: number;
  timeoutClocks: number;
  timeoutWidth: number;
  /** Bits and bytes of one row (a beat of the head's ports). */
  rowBits: number;
  rowBytes: number;
  /** Head groups × timesteps: blocks of N K/V beats then N Q beats per frame. */
  blocks: number;
  rowsPerBlock: number;
  frameBytes: number;
  responseBytes: number;
  /** Bytes the receive FIFO holds (docs/board.md, back-pressure). */
  fifoDepth: number;
  fifoWidth: number;
}

/** "+0.16%" */
export function percent(x: number): string {
  return `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)}%`;
}

/** What the board needs of the head (src/blocks/ssa_head/derive.ts calls this while deriving it). */
export interface BoardHead {
  portWidth: number;
  seqLen: number;
  timesteps: number;
  fold: { headsPerEngine: number };
}

export function deriveBoard(cfg: ResolvedConfig, s: BoardHead): BoardDerived | null {
  const b = cfg.board;
  if (b === null) return null;
  const board = BOARDS[b.name];
  if (cfg.target !== 'ice40') throw new ConfigError('target', cfg.target, `allowed: "ice40" with board "${b.name}" (an ${board.title})`);
  const divider = Math.round(board.clockHz / b.baud);
  const actualBaud = board.clockHz / divider;
  const baudError = (actualBaud - b.baud) / b.baud;
  if (divider < MIN_DIVIDER || Math.abs(baudError) > MAX_BAUD_ERROR) {
    throw new ConfigError(
      'board.baud',
      b.baud,
      `allowed: a rate within ${100 * MAX_BAUD_ERROR}% of ${board.clockHz / 1e6} MHz / n for an integer n ≥ ${MIN_DIVIDER} ` +
        `(at most ${board.clockHz / MIN_DIVIDER}); the nearest divider ${Math.max(divider, 1)} gives ${Math.round(actualBaud)} baud, ${percent(baudError)}`,
    );
  }
  const rowBits = s.portWidth;
  const rowBytes = Math.ceil(rowBits / 8);
  const blocks = s.fold.headsPerEngine * s.timesteps;
  const beats = blocks * s.seqLen;
  const timeoutClocks = Math.ceil((b.timeoutMs * board.clockHz) / 1000);
  // Back-pressure: the head takes a row only when its output is free, and a spike row
  // leaves in RB + 1 byte times; the FIFO holds what arrives meanwhile, several rows' worth.
  const fifoDepth = 2 ** Math.max(4, bitlen(4 * rowBytes + 3));
  return {
    name: b.name,
    title: board.title,
    device: board.device,
    package: board.package,
    clockHz: board.clockHz,
    pins: { ...board.pins },
    baud: b.baud,
    divider,
    actualBaud,
    baudError,
    dividerWidth: Math.max(1, bitlen(divider - 1)),
    timeoutMs: b.timeoutMs,
    timeoutClocks,
    timeoutWidth: bitlen(timeoutClocks),
    rowBits,
    rowBytes,
    blocks,
    rowsPerBlock: s.seqLen,
    frameBytes: 1 + 3 * beats * rowBytes,
    responseBytes: 1 + beats * rowBytes,
    fifoDepth,
    fifoWidth: bitlen(fifoDepth - 1),
  };
}

/** The baud rate in words: "115200 baud: 12 MHz / 104 = 115385 baud, +0.16%". */
export function baudText(b: BoardDerived): string {
  return `${b.baud} baud: ${b.clockHz / 1e6} MHz / ${b.divider} = ${Math.round(b.actualBaud)} baud, ${percent(b.baudError)}`;
}

