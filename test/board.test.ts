/**
 * The board top (config key `board`, docs/board.md): the UART, the frame protocol and the
 * head, co-simulated as a whole — serial bits in on rx_i, serial bits out on tx_o — by the
 * host code of `spikeforge board run --sim` (the same framing code that talks to a real
 * port), bit-exact against the golden model. The bitstream and the fitted N = 12 fold run
 * in the full tier.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/io/config-file.js';
import { generateDesign, type Design } from '../src/design/design.js';
import { deriveSsa, type SsaDerived } from '../src/blocks/ssa_head/derive.js';
import { FRAME_START, RESPONSE_START } from '../src/blocks/ssa_head/board.js';
import { decodeResponse, encodeFrame } from '../src/blocks/ssa_head/frames.js';
import { ssaHeadModel } from '../src/blocks/ssa_head/model.js';
import { Rng } from '../src/base/rng.js';
import { buildBoardSim, openSimulatedBoard } from '../src/cosim/board.js';
import { runBoard } from '../src/app/board.js';
import { resolveFold } from '../src/app/fit.js';
import { loadVectorFile } from '../src/vectors/file.js';
import { portabilityGate } from '../src/tools/portability.js';
import { PassThrough } from 'node:stream';
import { StreamLink } from '../src/tools/byte-link.js';
import { sttyArgs } from '../src/tools/serial.js';
import { mutate } from './helpers/design.js';
import { runMain, ROOT } from './helpers/cli.js';
import { FULL, FULL_ONLY } from './helpers/tier.js';

// Four heads folded two per engine (head-major frames), rows of D·E = 12 bits (two bytes,
// four padding bits), membranes in block RAM; 3 Mbaud = 4 clocks per bit, so a frame takes
// a few thousand clocks; a 1 ms frame time-out (12,000 clocks) so the flush can be seen.
const SMALL = {
  top: 'ssa_head',
  name: 'brd',
  seqLen: 4,
  dim: 6,
  heads: 4,
  timesteps: 2,
  lanes: 2,
  grayPe: { enabled: true },
  scale: 0.0625,
  lif: { threshold: 0.5 },
  fold: { headsPerEngine: 2, membranes: 'memory', neuronLanes: 1 },
  board: { name: 'icebreaker', baud: 3_000_000, timeoutMs: 1 },
};

function derived(raw: Record<string, unknown>): SsaDerived {
  return deriveSsa(resolveConfig(raw, '.'));
}

/** A vector file of the harness's stimulus (corners + `random` random cases), no expected values. */
function vectorFile(dir: string, raw: Record<string, unknown>, random: number, seed = 7): string {
  const d = generateDesign(resolveConfig(raw, '.'));
  const cases = d.block.harness.stimulus(d.derived, new Rng(seed), random);
  const path = join(dir, `${String(raw['name'])}-vectors.json`);
  const file = { format: 'spikeforge.vectors.v1', config: raw, cases: cases.map((c: { name: string; inputs: unknown }) => ({ name: c.name, inputs: d.block.vectors.inputsToJson(d.derived, c.inputs) })) };
  writeFileSync(path, JSON.stringify(file));
  return path;
}

describe('board: baud divider and frames', () => {
  it('derives the divider and shows the error; refuses a rate too far off', () => {
    const b = derived({ ...SMALL, board: { name: 'icebreaker' } }).board!;
    expect(b).toMatchObject({ baud: 115200, divider: 104, clockHz: 12_000_000, rowBits: 12, rowBytes: 2, blocks: 4 });
    expect(b.baudError).toBeCloseTo(12e6 / 104 / 115200 - 1, 12);
    expect(derived(SMALL).board!.divider).toBe(4);
    // 12 MHz / 5 = 2.4 Mbaud is 4% below 2.5 Mbaud.
    expect(() => derived({ ...SMALL, board: { name: 'icebreaker', baud: 2_500_000 } })).toThrow(
      /config key "board.baud": value 2500000 is not allowed; allowed: a rate within 2% of 12 MHz \/ n .*divider 5 gives 2400000 baud, -4.00%/,
    );
    expect(() => derived({ ...SMALL, target: 'xc7' })).toThrow(/config key "target": value "xc7" is not allowed; allowed: "ice40" with board "icebreaker"/);
  });

  it('"fold": "auto" with a board is fitted for the board\'s device (UP5K), not the default HX8K', () => {
    const { report } = resolveFold(resolveConfig({ ...SMALL, fold: 'auto' }, '.'), {});
    expect(report!.device).toBe('up5k');
    const { board: _b, ...noBoard } = SMALL;
    expect(resolveFold(resolveConfig({ ...noBoard, fold: 'auto' }, '.'), {}).report!.device).toBe('hx8k');
  });

  it('a frame is S + per block N K/V beats then N Q beats, little-endian rows; a response decodes back', () => {
    const s = derived(SMALL);
    const b = s.board!;
    const rng = new Rng(3);
    const m = () => Array.from({ length: 2 }, () => Array.from({ length: 4 }, () => rng.bits(24, 0.5)));
    const inputs = { q: m(), k: m(), v: m() };
    const frame = encodeFrame(s, b, inputs);
    expect(frame.length).toBe(b.frameBytes);
    expect(frame.length).toBe(1 + 2 * 2 * (4 * 2 * 2 + 4 * 2));
    expect(frame[0]).toBe(FRAME_START);
    // Block 0 = heads 0 and 1 (bits 0..11) at timestep 0: K row of token 0, then its V row.
    const k0 = Number(inputs.k[0]![0]! & 0xfffn);
    expect([frame[1], frame[2]]).toEqual([k0 & 0xff, k0 >> 8]);
    const v0 = Number(inputs.v[0]![0]! & 0xfffn);
    expect([frame[3], frame[4]]).toEqual([v0 & 0xff, v0 >> 8]);
    // After the 4 K/V beats (16 bytes), the Q rows of that block.
    const q0 = Number(inputs.q[0]![0]! & 0xfffn);
    expect([frame[17], frame[18]]).toEqual([q0 & 0xff, q0 >> 8]);
    // Block 1 is timestep 1 of heads 0 and 1; blocks 2 and 3 carry heads 2 and 3 (bits 12..23).
    const k2 = Number((inputs.k[0]![0]! >> 12n) & 0xfffn);
    expect([frame[1 + 2 * 24], frame[2 + 2 * 24]]).toEqual([k2 & 0xff, k2 >> 8]);

    // A response built by hand from the model's spikes, in the same order, decodes to them.
    const spikes = ssaHeadModel(s, inputs).spikes;
    const bytes = [RESPONSE_START];
    for (let g = 0; g < 2; g++) for (let t = 0; t < 2; t++) for (let i = 0; i < 4; i++) {
      const row = Number((spikes[t]![i]! >> BigInt(12 * g)) & 0xfffn);
      bytes.push(row & 0xff, row >> 8);
    }
    expect(bytes.length).toBe(b.responseBytes);
    expect(decodeResponse(s, b, Uint8Array.from(bytes)).spikes).toEqual(spikes);
    // A response cut short leaves the rows it lacks missing (-1).
    expect(decodeResponse(s, b, Uint8Array.from(bytes.slice(0, 5))).spikes[1]![3]).toBe(-1n);
    expect(() => decodeResponse(s, b, Uint8Array.from([0x00, ...bytes.slice(1)]))).toThrow(/not 0x59 \('Y'\): the board is out of step/);
  });

  it('a bad baud rate exits 2 naming the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-board-'));
    const cfg = join(dir, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ ...SMALL, board: { name: 'icebreaker', baud: 2_500_000 } }));
    const r = await runMain(['generate', cfg, '-o', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error\[SF_PARAM_INVALID\]: .*config key "board.baud": value 2500000/);
  });
});

describe('board: the byte link under the host script', () => {
  it('reads exactly n bytes across chunks, keeps the rest, and returns short after a silence', async () => {
    const fromBoard = new PassThrough();
    const toBoard = new PassThrough();
    const link = new StreamLink('test link', fromBoard, toBoard);
    await link.write(Uint8Array.from([1, 2, 3]));
    expect([...(toBoard.read() as Buffer)]).toEqual([1, 2, 3]);
    fromBoard.write(Buffer.from([10, 11]));
    setTimeout(() => fromBoard.write(Buffer.from([12, 13, 14])), 20);
    expect([...(await link.read(4, 500))]).toEqual([10, 11, 12, 13]);
    expect(link.pending()).toBe(1);
    // One byte there, three asked for: the read gives up after 30 ms without news.
    expect([...(await link.read(3, 30))]).toEqual([14]);
    await link.close();
  });

  it('sets a port to raw 8N1 without flow control at the baud rate', () => {
    expect(sttyArgs('/dev/ttyUSB1', 115200)).toEqual(expect.arrayContaining(['/dev/ttyUSB1', '115200', 'raw', 'cs8', '-parenb', '-cstopb', '-crtscts', '-ixon']));
  });
});

describe('board run: bad input exits 2 naming the problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-board-'));
  it.each([
    ['neither --port nor --sim', (f: string) => ['board', 'run', f], /option --port: give either --port DEVICE or --sim/],
    ['a port that does not exist', (f: string) => ['board', 'run', '--port', join(dir, 'ttyNONE'), f], /option --port: .*ttyNONE: no such device/],
    ['a vector file whose config has no board', (f: string) => ['board', 'run', '--sim', f.replace('brd-', 'nob-')], /config key "board": value null is not allowed; allowed: the board the bitstream was built for/],
  ])('%s', async (_label, args, message) => {
    const file = vectorFile(dir, SMALL, 0);
    const { board: _b, ...noBoard } = SMALL;
    vectorFile(dir, { ...noBoard, name: 'nob' }, 0);
    const r = await runMain(args(file));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});

describe('board: the whole board top co-simulated over its serial line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sf-board-'));
  const file = vectorFile(dir, SMALL, 3);

  it('is lint-clean (-Wall), compiles under Icarus and synthesises for the iCE40', async () => {
    const d = generateDesign(resolveConfig(SMALL, '.'));
    const gate = await portabilityGate(d.files, 'brd_icebreaker');
    expect(gate.synth.luts).toBeGreaterThan(0);
    expect(d.files.find((f) => f.path === 'brd_icebreaker.pcf')!.content).toMatch(/set_io clk_i 35\nset_io rx_i 6\nset_io tx_o 9\n/);
  });

  it('board run --sim: every case bit-exact through the UART (the bytes of each frame back to back)', async () => {
    const r = await runMain(['board', 'run', '--sim', file]);
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^PASS .*: 7 cases, 56 spike rows from the simulated board \(brd_icebreaker under Verilator\) match \(679 bytes sent, 231 received, 3000000 baud/);
  });

  it('a half-sent frame is flushed after the time-out, and the next frames pass', async () => {
    const vf = loadVectorFile(file);
    const link = openSimulatedBoard(await buildBoardSim(vf.design), vf.design, { seed: 2 });
    // A frame one byte short, all zeros: kept, the next frame's start byte would complete it
    // and the first case (all ones) would get the spikes of all-zero inputs.
    const b = (vf.design.derived as SsaDerived).board!;
    await link.write(Uint8Array.from([FRAME_START, ...new Array<number>(b.frameBytes - 2).fill(0x00)]));
    // The head answers the rows it could compute (all but the last). The host's settle time
    // throws that away while the simulation runs past the 12,000-clock time-out.
    const log: string[] = [];
    const report = await runBoard(vf, link, { idleMs: 2000, settleMs: 300, log: (l) => log.push(l) });
    await link.close();
    expect(log[0]).toBe(`threw away ${b.responseBytes - b.rowBytes} byte(s) left over from an earlier run`);
    expect(report.cases).toBe(7);
  });

  it('a host sending 25% slow (5 clocks per bit for 4) gets no valid answer, and the board reports lost bytes', async () => {
    const vf = loadVectorFile(file);
    const link = openSimulatedBoard(await buildBoardSim(vf.design), vf.design, { seed: 1, rxDivider: 5 });
    await expect(runBoard(vf, link, { idleMs: 300 })).rejects.toThrow(/board: case "all_one": spikes\[0\]\[0\]: expected .*, got "missing" \(received \d+ of 33 bytes from the simulated board/);
    await expect(link.close()).rejects.toThrow(/the simulated board lit its red LED: a received byte was lost or had a bad stop bit/);
  });

  it('fails when the response sends a row\'s bytes in the wrong order', async () => {
    const vf = loadVectorFile(file);
    const broken: Design = mutate(vf.design, 'brd_board.sv', (sv) => sv.replace('out_q <= out_q >> 8;', 'out_q <= {out_q[7:0], out_q[RB*8-1:8]};').replace("out_q[7:0]),", 'out_q[RB*8-1 -: 8]),'));
    const link = openSimulatedBoard(await buildBoardSim(broken), broken, { seed: 1 });
    await expect(runBoard({ ...vf, design: broken }, link, { idleMs: 1000 })).rejects.toThrow(/board: case "all_one": spike row 0 of the response has bits set above bit 11 \(0xff0f\)/);
    await link.close().catch(() => {});
  });
});

describe('board: the fitted N = 12 fold on the iCEBreaker', () => {
  const fitted = (extra: Record<string, unknown> = {}) => ({
    ...(JSON.parse(readFileSync(resolve(ROOT, 'examples/fpga/ts_n12_gray_up5k.json'), 'utf8')) as Record<string, unknown>),
    ...extra,
  });

  it.skipIf(!FULL)(`ts_n12_gray_up5k with its board: bit-exact through the UART at 3 Mbaud${FULL_ONLY}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-board-'));
    const file = vectorFile(dir, fitted({ name: 'n12brd', board: { name: 'icebreaker', baud: 3_000_000 } }), 2);
    const r = await runMain(['board', 'run', '--sim', file]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^PASS .*: 6 cases, 288 spike rows from the simulated board/);
  }, 1_800_000);

  it.skipIf(!FULL)(`board build: an icepack bitstream at 115200 baud that meets 12 MHz${FULL_ONLY}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-board-'));
    const cfg = join(dir, 'n12.json');
    writeFileSync(cfg, JSON.stringify(fitted({ name: 'n12ib', board: { name: 'icebreaker', baud: 115200 } })));
    const r = await runMain(['board', 'build', cfg, '-o', join(dir, 'out'), '--json']);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as { lcs: number; lcsAvailable: number; fmaxMHz: number; timingMet: boolean; device: string; package: string };
    expect(report).toMatchObject({ device: 'up5k', package: 'sg48', lcsAvailable: 5280, timingMet: true });
    expect(report.fmaxMHz).toBeGreaterThanOrEqual(12);
    const bin = readFileSync(join(dir, 'out', 'n12ib_icebreaker.bin'));
    // icepack's output starts with the iCE40 sync word 0x7EAA997E (after an 0xFF 0x00 comment marker).
    expect(bin.includes(Buffer.from([0x7e, 0xaa, 0x99, 0x7e]))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'n12ib_icebreaker-pnr.json'), 'utf8'))).toEqual(report);
  }, 1_800_000);
});
