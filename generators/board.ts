/**
 * The board top of an ssa_head (config key `board`, docs/board.md): the UART receiver and
 * transmitter, a receive FIFO, the frame parser and response formatter around the head
 * (`<name>_board`), the pin-level top of the board (`<name>_icebreaker`: power-on reset,
 * LEDs) and its pin constraints (`<name>_icebreaker.pcf`). Every number comes from
 * deriveBoard (src/blocks/ssa_head/board.ts); the templates print it.
 */
import type { SsaDerived } from '../src/blocks/ssa_head/derive.js';
import { baudText, FRAME_START, RESPONSE_START, type BoardDerived } from '../src/blocks/ssa_head/board.js';
import { indexWidth } from '../src/base/bits.js';
import type { GeneratedFile, RenderMeta } from '../src/render/files.js';
import { renderTemplate } from '../src/render/templates.js';
import { header } from '../src/render/header.js';

export function boardModule(s: SsaDerived): string {
  return `${s.name}_board`;
}

/** The pin-level top: what Yosys and nextpnr build into a bitstream. */
export function boardTopModule(s: SsaDerived, b: BoardDerived): string {
  return `${s.name}_${b.name}`;
}

export function pcfName(s: SsaDerived, b: BoardDerived): string {
  return `${boardTopModule(s, b)}.pcf`;
}

export function renderBoard(s: SsaDerived, head: string, meta: RenderMeta): GeneratedFile[] {
  const b = s.board;
  if (!b) return [];
  const uartRx = `${s.name}_uart_rx`;
  const uartTx = `${s.name}_uart_tx`;
  const fifo = `${s.name}_rx_fifo`;
  const uart = { Divider: `${b.divider} clocks per bit (${baudText(b)})` };
  const rx = renderTemplate('board/uart_rx.sv.hbs', {
    header: header(uartRx, ['UART receiver, 8N1: a two-flop synchroniser, mid-bit sampling; one valid clock per byte.'], uart, meta),
    module: uartRx,
    divider: b.divider,
    dividerWidth: b.dividerWidth,
    halfDivider: Math.floor((b.divider - 1) / 2),
  });
  const tx = renderTemplate('board/uart_tx.sv.hbs', {
    header: header(uartTx, ['UART transmitter, 8N1, valid/ready: one byte at a time.'], uart, meta),
    module: uartTx,
    divider: b.divider,
    dividerWidth: b.dividerWidth,
  });
  const fifoSv = renderTemplate('board/fifo.sv.hbs', {
    header: header(fifo, ['Receive FIFO of the board: bytes from the UART until the frame parser takes them.'], { Depth: `${b.fifoDepth} bytes` }, meta),
    module: fifo,
    depth: b.fifoDepth,
    addrWidth: b.fifoWidth,
  });
  const rowsOut = b.blocks * b.rowsPerBlock;
  const hex = (x: number) => x.toString(16).padStart(2, '0');
  const core = renderTemplate('board/board.sv.hbs', {
    header: header(
      boardModule(s),
      [
        `The head ${head} behind a UART (docs/board.md): a frame per sequence in, 0x${hex(FRAME_START)} then`,
        `${b.blocks} block(s) of N = ${b.rowsPerBlock} K/V beats and N Q beats, ${b.rowBytes} byte(s) per row, little-endian;`,
        `a response per sequence out, 0x${hex(RESPONSE_START)} then ${rowsOut} spike rows.`,
      ],
      {
        Uart: baudText(b),
        RowBits: `${b.rowBits} (D x engines)`,
        RowBytes: b.rowBytes,
        FrameBytes: b.frameBytes,
        ResponseBytes: b.responseBytes,
        Timeout: `${b.timeoutClocks} clocks (${b.timeoutMs} ms)`,
      },
      meta,
    ),
    module: boardModule(s),
    rowBits: b.rowBits,
    rowBytes: b.rowBytes,
    rowsPerBlock: b.rowsPerBlock,
    blocks: b.blocks,
    rowsOut,
    byteWidth: indexWidth(2 * b.rowBytes),
    rowWidth: indexWidth(b.rowsPerBlock),
    blockWidth: indexWidth(b.blocks),
    outWidth: indexWidth(rowsOut),
    timeoutWidth: b.timeoutWidth,
    timeoutClocks: b.timeoutClocks,
    frameStart: hex(FRAME_START),
    responseStart: hex(RESPONSE_START),
    uartRx,
    uartTx,
    fifo,
    head,
  });
  const top = boardTopModule(s, b);
  const pinTop = renderTemplate('board/icebreaker.sv.hbs', {
    header: header(top, [`Pin-level top for the ${b.title}: power-on reset, ${boardModule(s)}, LEDs.`], { Clock: `${b.clockHz / 1e6} MHz`, Pins: pcfName(s, b) }, meta),
    module: top,
    board: boardModule(s),
    clockMHz: b.clockHz / 1e6,
    pins: b.pins,
  });
  const pcf = renderTemplate('board/icebreaker.pcf.hbs', {
    top,
    title: b.title,
    generator: meta.generator,
    version: meta.version,
    configHash: meta.configHash,
    pins: Object.entries(b.pins).map(([port, pin]) => ({ port, pin })),
  });
  return [
    { path: `${uartRx}.sv`, content: rx, kind: 'sv' },
    { path: `${uartTx}.sv`, content: tx, kind: 'sv' },
    { path: `${fifo}.sv`, content: fifoSv, kind: 'sv' },
    { path: `${boardModule(s)}.sv`, content: core, kind: 'sv' },
    { path: `${top}.sv`, content: pinTop, kind: 'sv' },
    { path: pcfName(s, b), content: pcf, kind: 'meta' },
  ];
}
