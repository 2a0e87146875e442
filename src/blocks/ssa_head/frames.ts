/**
 * The frames of the board protocol (docs/board.md; the layout is described in board.ts):
 * one sequence's inputs → the bytes the host sends, the bytes the board answers → spikes.
 */
import type { SsaDerived } from './derive.js';
import type { SsaInputs } from './model.js';
import { FRAME_START, RESPONSE_START, type BoardDerived } from './board.js';
import { rowsFromBeats, streamRows } from './stream-order.js';

function putRow(out: number[], row: bigint, bytes: number): void {
  for (let i = 0; i < bytes; i++) out.push(Number((row >> BigInt(8 * i)) & 0xffn));
}

/** The frame of one sequence (host → board). */
export function encodeFrame(s: SsaDerived, b: BoardDerived, inputs: SsaInputs): Uint8Array {
  const k = streamRows(s, inputs.k);
  const v = streamRows(s, inputs.v);
  const q = streamRows(s, inputs.q);
  const N = s.seqLen;
  const out: number[] = [FRAME_START];
  for (let blk = 0; blk < b.blocks; blk++) {
    for (let i = 0; i < N; i++) {
      putRow(out, k[blk * N + i]!, b.rowBytes);
      putRow(out, v[blk * N + i]!, b.rowBytes);
    }
    for (let i = 0; i < N; i++) putRow(out, q[blk * N + i]!, b.rowBytes);
  }
  return Uint8Array.from(out);
}

export class ResponseError extends Error {}

/**
 * The spikes [t][i] of one response (board → host). Throws ResponseError when the first
 * byte is not 'Y' or a row has bits set above W (the board sends them as 0); a short
 * response leaves the missing rows -1.
 */
export function decodeResponse(s: SsaDerived, b: BoardDerived, bytes: Uint8Array): { spikes: bigint[][] } {
  if (bytes.length > 0 && bytes[0] !== RESPONSE_START) {
    throw new ResponseError(`the response starts with byte 0x${bytes[0]!.toString(16).padStart(2, '0')}, not 0x${RESPONSE_START.toString(16)} ('Y'): the board is out of step (wait ${b.timeoutMs} ms and run again)`);
  }
  const row = (n: number): bigint | undefined => {
    const at = 1 + n * b.rowBytes;
    if (at + b.rowBytes > bytes.length) return undefined;
    let v = 0n;
    for (let i = 0; i < b.rowBytes; i++) v |= BigInt(bytes[at + i]!) << BigInt(8 * i);
    if (v >> BigInt(b.rowBits) !== 0n) throw new ResponseError(`spike row ${n} of the response has bits set above bit ${b.rowBits - 1} (0x${v.toString(16)})`);
    return v;
  };
  return { spikes: rowsFromBeats(s, row) };
}
