/**
 * `board run` and `board build` (docs/board.md): the host side of the board protocol, and
 * the bitstream.
 *
 * run: every case of a vector file is sent as one frame over a ByteLink (a serial port, or
 * the simulated board), its response is read and decoded, and the spikes are compared with
 * the file's expected values (or the golden model's, where the file has none), as `check`
 * compares the RTL's. One case at a time: the next frame is sent when the response is in.
 */
import { MismatchError } from '../base/errors.js';
import { firstMismatch, formatMismatch } from '../base/compare.js';
import { decodeResponse, encodeFrame, ResponseError } from '../blocks/ssa_head/frames.js';
import type { SsaInputs } from '../blocks/ssa_head/model.js';
import type { ByteLink } from '../tools/byte-link.js';
import { buildBitstream, type BitstreamReport } from '../tools/bitstream.js';
import { boardOf } from '../cosim/board.js';
import type { Design } from '../design/design.js';
import { checkExpectedShapes, modelOutputs, type VectorFile } from '../vectors/file.js';

export interface BoardRunOptions {
  /** How long a silent link may stay silent inside a response before the run gives up. */
  idleMs: number;
  /**
   * Wait this long first, throwing away what arrives: a board left mid-frame by an earlier,
   * killed run flushes the frame after its time-out (config board.timeoutMs) and the
   * leftovers of its answer are gone before the first frame is sent.
   */
  settleMs?: number;
  log?: (line: string) => void;
}

export interface BoardRunReport {
  cases: number;
  /** Spike rows compared. */
  values: number;
  bytesSent: number;
  bytesReceived: number;
  seconds: number;
}

export async function runBoard(vf: VectorFile, link: ByteLink, opts: BoardRunOptions): Promise<BoardRunReport> {
  const { s } = boardOf(vf.design);
  const b = s.board!;
  const { block, derived } = vf.design;
  const model = modelOutputs(vf);
  checkExpectedShapes(vf, model);
  const started = performance.now();
  if (opts.settleMs) {
    const stale = await link.read(Number.MAX_SAFE_INTEGER, opts.settleMs);
    if (stale.length) opts.log?.(`threw away ${stale.length} byte(s) left over from an earlier run`);
  }
  const report: BoardRunReport = { cases: 0, values: 0, bytesSent: 0, bytesReceived: 0, seconds: 0 };
  for (const [i, c] of vf.cases.entries()) {
    const frame = encodeFrame(s, b, c.inputs as SsaInputs);
    await link.write(frame);
    report.bytesSent += frame.length;
    const bytes = await link.read(b.responseBytes, opts.idleMs);
    report.bytesReceived += bytes.length;
    let spikes: bigint[][];
    try {
      spikes = decodeResponse(s, b, bytes).spikes;
    } catch (e) {
      if (e instanceof ResponseError) throw new MismatchError(`board: case "${c.name}": ${e.message}`);
      throw e;
    }
    const got = block.vectors.outputs(derived, c.inputs, { spikes }) as Record<string, unknown>;
    const expected = { spikes: (c.expected?.['spikes'] ?? model[i]!['spikes']) as unknown };
    const m = firstMismatch(expected, got);
    if (m) {
      const short = bytes.length < b.responseBytes ? ` (received ${bytes.length} of ${b.responseBytes} bytes from ${link.name}; nothing more for ${opts.idleMs} ms)` : '';
      throw new MismatchError(`board: ${formatMismatch(c.name, m)}${short}`);
    }
    report.cases++;
    report.values += s.timesteps * s.seqLen;
    opts.log?.(`case "${c.name}": ${s.timesteps * s.seqLen} spike rows match`);
  }
  const extra = await link.read(1, 50);
  if (extra.length) throw new MismatchError(`board: ${link.name} sent bytes after the last response (first 0x${extra[0]!.toString(16).padStart(2, '0')})`);
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

export interface BoardBuildOptions {
  seed: number;
  timeoutSeconds: number;
}

/** The bitstream of a design with a board (config key `board`). */
export async function buildBoard(design: Design, opts: BoardBuildOptions): Promise<{ bin: Buffer; report: BitstreamReport; name: string }> {
  const { s, top } = boardOf(design);
  const b = s.board!;
  const pcf = design.files.find((f) => f.path === `${top}.pcf`)!;
  const r = await buildBitstream({
    files: design.files,
    top,
    device: b.device,
    package: b.package,
    pcf: pcf.content,
    clockMHz: b.clockHz / 1e6,
    seed: opts.seed,
    timeoutSeconds: opts.timeoutSeconds,
  });
  return { ...r, name: top };
}
