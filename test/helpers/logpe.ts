/**
 * Co-simulation fixtures for Log-PE designs that a single block config cannot express.
 *
 *   biasGroup():  several generated `<name>_logpe_bias` tops (e.g. the three
 *                 implementations at one N) side by side behind one pair stream; every
 *                 implementation answers every pair, each on its own output field. One
 *                 Verilator build covers them all, which keeps the test file's cold run short.
 *   lanesGroup(): several `<name>_logpe_lanes` cores (the XNOR engine's view) behind a
 *                 stream `row` = (qi, kj = b·Lanes, kb = b); each returns all lanes of a beat.
 *
 * The RTL of each member is exactly what the generator emits; only the wrapper is
 * written here. Wrappers use the global-enable stall of the stand-alone top, so the
 * back-pressure run exercises en_i.
 */
import { resolveConfig } from '../../src/io/config-file.js';
import { deriveLogPe, deriveLogPeLanes, type LogPeDerived, type LogPeLanes } from '../../src/blocks/logpe_bias/derive.js';
import { logPeBias, logPeBiasModel, type LogPeBiasInputs } from '../../src/blocks/logpe_bias/model.js';
import { renderLogPeLanes } from '../../generators/logpe_bias.js';
import { logPeLanesModule } from '../../src/blocks/logpe_bias/index.js';
import { logPeBiasHarness } from '../../testbenches/logpe_bias.js';
import type { AnyBlock } from '../../src/design/types.js';
import type { Beat } from '../../src/blocks/ports.js';
import type { GeneratedFile } from '../../src/render/files.js';
import type { Design } from '../../src/design/design.js';
import type { Rng } from '../../src/base/rng.js';
import { splitByCounts } from '../../testbenches/streams.js';
import { VECTORS_DIR, design } from './design.js';

export interface Member {
  /** Output field (port `<key>_o`) and result key of this member. */
  key: string;
  l: LogPeDerived;
  module: string;
  files: GeneratedFile[];
}

export type GroupDesign = Design & { members: Member[]; lanes: LogPeLanes | null };

/** Lane values of beat b of query row i, as the lanes core must produce them. */
export function laneBiases(l: LogPeDerived, g: LogPeLanes, i: number, b: number): number[] {
  return Array.from({ length: g.lanes }, (_, lane) => {
    const j = b * g.lanes + lane;
    return j < l.geometry.seqLen ? logPeBias(l, i, j) : 0;
  });
}

function field(beat: Beat, k: number): bigint {
  return beat[k]!;
}

function unpackLanes(v: bigint, g: LogPeLanes, width: number): number[] {
  return Array.from({ length: g.lanes }, (_, lane) => Number((v >> BigInt(lane * width)) & ((1n << BigInt(width)) - 1n)));
}

function shuffle<T>(items: T[], rng: Rng): T[] {
  const out = [...items];
  for (let k = out.length - 1; k > 0; k--) {
    const m = rng.int(0, k);
    [out[k], out[m]] = [out[m]!, out[k]!];
  }
  return out;
}

function wrapperSv(top: string, members: Member[], g: LogPeLanes | null, idxWidth: number): string {
  const n = members.length;
  const inPorts = g
    ? [`input  logic [${idxWidth}-1:0] qi_i`, `input  logic [${idxWidth}-1:0] kj_i`, `input  logic [${g.beatWidth}-1:0] kb_i`]
    : [`input  logic [${idxWidth}-1:0] qi_i`, `input  logic [${idxWidth}-1:0] kj_i`];
  const outPorts = members.map((m) => `output logic [${(g ? g.lanes : 1) * m.l.biasWidth}-1:0] ${m.key}_o`);
  const stream = g ? 'row' : 'pair';
  const ports = [
    'input  logic clk_i',
    'input  logic rst_ni',
    `input  logic ${stream}_valid_i`,
    `output logic ${stream}_ready_o`,
    ...inPorts,
    'output logic bias_valid_o',
    'input  logic bias_ready_i',
    ...outPorts,
  ];
  let body: string;
  if (g) {
    body = `  logic valid_q;

  assign row_ready_o = !valid_q || bias_ready_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
    end else if (row_ready_o) begin
      valid_q <= row_valid_i;
    end
  end

  assign bias_valid_o = valid_q;
${members
  .map(
    (m) => `
  ${m.module} u_${m.key} (
    .clk_i (clk_i),
    .en_i  (row_ready_o),
    .qi_i  (qi_i),
    .kj_i  (kj_i),
    .kb_i  (kb_i),
    .bias_o(${m.key}_o)
  );`,
  )
  .join('\n')}`;
  } else {
    body = `  // The members are identical handshake state machines, so their ready and valid agree
  // in every cycle; the AND only makes the wrapper independent of that.
  logic [${n}-1:0] ready, valid;

  assign pair_ready_o = &ready;
  assign bias_valid_o = &valid;
${members
  .map(
    (m, k) => `
  ${m.module} u_${m.key} (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .pair_valid_i(pair_valid_i),
    .pair_ready_o(ready[${k}]),
    .qi_i        (qi_i),
    .kj_i        (kj_i),
    .bias_valid_o(valid[${k}]),
    .bias_ready_i(bias_ready_i),
    .bias_o      (${m.key}_o)
  );`,
  )
  .join('\n')}`;
  }
  return `// Test wrapper: ${members.map((m) => m.module).join(', ')} side by side.
module ${top} (
${ports.map((p) => `  ${p}`).join(',\n')}
);

${body}

endmodule
`;
}

interface Rows {
  rows: [number, number][];
}
type Results = Record<string, number[] | number[][]>;

function groupBlock(members: Member[], g: LogPeLanes | null, top: string): AnyBlock {
  const first = members[0]!.l;
  const spec = {
    top,
    inputs: [
      g
        ? {
            name: 'row',
            fields: [
              { port: 'qi', width: g.idxWidth },
              { port: 'kj', width: g.idxWidth },
              { port: 'kb', width: g.beatWidth },
            ],
          }
        : {
            name: 'pair',
            fields: [
              { port: 'qi', width: first.idxWidth },
              { port: 'kj', width: first.idxWidth },
            ],
          },
    ],
    outputs: [{ name: 'bias', fields: members.map((m) => ({ port: m.key, width: (g ? g.lanes : 1) * m.l.biasWidth })) }],
  };
  const count = (cases: (Rows | LogPeBiasInputs)[]) =>
    cases.reduce((n, c) => n + ('rows' in c ? c.rows.length : c.pairs.length), 0);
  return {
    name: 'logpe_bias',
    summary: 'test group of Log-PE designs',
    derive: () => {
      throw new Error('a test group is built by its helper');
    },
    describe: () => ({}),
    model: (_d: unknown, inputs: Rows | LogPeBiasInputs): Results =>
      Object.fromEntries(
        members.map((m) => [
          m.key,
          'rows' in inputs ? inputs.rows.map(([i, b]) => laneBiases(m.l, g!, i, b)) : logPeBiasModel(m.l, inputs).bias,
        ]),
      ),
    ports: () => spec,
    cycles: (_d: unknown, cases: (Rows | LogPeBiasInputs)[]) => count(cases) + 1,
    render: () => [],
    harness: {
      encode: (_d: unknown, cases: (Rows | LogPeBiasInputs)[]) =>
        g
          ? { row: (cases as Rows[]).flatMap((c) => c.rows.map(([i, b]) => [BigInt(i), BigInt(b * g.lanes), BigInt(b)])) }
          : logPeBiasHarness.encode(first, cases as LogPeBiasInputs[]),
      expectedBeats: (_d: unknown, cases: (Rows | LogPeBiasInputs)[]) => ({ bias: count(cases) }),
      decode: (_d: unknown, cases: (Rows | LogPeBiasInputs)[], out: Record<string, Beat[]>) =>
        splitByCounts(
          out['bias']!,
          cases.map((c) => count([c])),
        ).map((beats) =>
          Object.fromEntries(
            members.map((m, k) => [
              m.key,
              beats.map((b) => (g ? unpackLanes(field(b, k), g, m.l.biasWidth) : Number(field(b, k)))),
            ]),
          ),
        ),
      // The stand-alone harness's cases (exhaustive, corners, random); for lanes, every
      // (query row, beat) in order and shuffled.
      stimulus: (_d: unknown, rng: Rng, n: number) => {
        if (!g) return logPeBiasHarness.stimulus(first, rng, n);
        const all: [number, number][] = [];
        for (let i = 0; i < first.geometry.seqLen; i++) for (let b = 0; b < g.beats; b++) all.push([i, b]);
        return [
          { name: 'all_beats', inputs: { rows: all } },
          { name: 'all_beats_shuffled', inputs: { rows: shuffle(all, rng) } },
        ];
      },
    },
    vectors: {
      inputs: () => {
        throw new Error('a test group has no vector files');
      },
      outputs: (_d: unknown, _i: unknown, out: Results) => out,
      inputsToJson: (_d: unknown, inputs: Rows | LogPeBiasInputs) => ({ ...inputs }),
    },
  } as unknown as AnyBlock;
}

function checkSameShape(members: Member[]): void {
  const [a, ...rest] = members;
  for (const m of rest) {
    if (m.l.geometry.seqLen !== a!.l.geometry.seqLen || JSON.stringify(m.l.grid) !== JSON.stringify(a!.l.grid)) {
      throw new Error(`group members must share N and the grid: ${a!.module} vs ${m.module}`);
    }
  }
}

function groupDesign(top: string, members: Member[], g: LogPeLanes | null): GroupDesign {
  checkSameShape(members);
  const files: GeneratedFile[] = [
    ...members.flatMap((m) => m.files),
    { path: `${top}.sv`, content: wrapperSv(top, members, g, members[0]!.l.idxWidth), kind: 'sv' },
  ];
  const config = resolveConfig({ top: 'logpe_bias', name: top, seqLen: members[0]!.l.geometry.seqLen }, VECTORS_DIR);
  return { config, block: groupBlock(members, g, top), derived: null, topModule: top, configHash: top, files, members, lanes: g };
}

/** Stand-alone `<prefix>_<key>_logpe_bias` tops, one per entry of `configs`, behind one pair stream. */
export function biasGroup(prefix: string, configs: Record<string, Record<string, unknown>>): GroupDesign {
  const members = Object.entries(configs).map(([key, raw]): Member => {
    const d = design({ top: 'logpe_bias', name: `${prefix}_${key}`, ...raw });
    return { key, l: d.derived as LogPeDerived, module: d.topModule, files: d.files.filter((f) => f.kind !== 'meta') };
  });
  return groupDesign(`${prefix}_group`, members, null);
}

/** `<prefix>_<key>_logpe_lanes` cores for `lanes` biases per clock, behind one row stream. */
export function lanesGroup(prefix: string, lanes: number, configs: Record<string, Record<string, unknown>>): GroupDesign {
  const meta = { generator: 'spikeforge-test', version: '0', configHash: 'test' };
  let g: LogPeLanes | null = null;
  const members = Object.entries(configs).map(([key, raw]): Member => {
    const l = deriveLogPe(resolveConfig({ top: 'logpe_bias', name: `${prefix}_${key}`, ...raw }, VECTORS_DIR));
    g = deriveLogPeLanes(l, lanes);
    return { key, l, module: logPeLanesModule(l), files: renderLogPeLanes(l, lanes, meta) };
  });
  return groupDesign(`${prefix}_group`, members, g);
}
