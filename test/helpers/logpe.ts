/**
 * A stream wrapper around `<name>_logpe_lanes` for co-simulating the lanes core on its own
 * (the XNOR engine's view of it): stream `row` carries (qi, kj = b·Lanes, kb = b), stream
 * `bias` returns all lanes of one beat. The wrapper uses the same global-enable stall as
 * the stand-alone top, so back-pressure exercises en_i.
 */
import { resolveConfig } from '../../src/io/config-file.js';
import { deriveLogPe, deriveLogPeLanes, type LogPeDerived, type LogPeLanes } from '../../src/blocks/logpe_bias/derive.js';
import { logPeBias } from '../../src/blocks/logpe_bias/model.js';
import { logPeLanesModule, renderLogPeLanes } from '../../generators/logpe_bias.js';
import type { AnyBlock, GeneratedFile } from '../../src/blocks/types.js';
import type { Design } from '../../src/core/generate.js';
import { splitByCounts } from '../../testbenches/streams.js';
import { VECTORS_DIR } from './design.js';

interface LanesDerived {
  l: LogPeDerived;
  g: LogPeLanes;
}
interface Rows {
  rows: [number, number][];
}
interface Out {
  bias: number[][];
}

/** Lane values of beat b of query row i, as the core must produce them. */
export function laneBiases(l: LogPeDerived, g: LogPeLanes, i: number, b: number): number[] {
  return Array.from({ length: g.lanes }, (_, lane) => {
    const j = b * g.lanes + lane;
    return j < l.geometry.seqLen ? logPeBias(l, i, j) : 0;
  });
}

function wrapperSv(module: string, core: string, g: LogPeLanes): string {
  return `// Test wrapper: ${core} behind a valid/ready stream (one beat per transfer).
module ${module} (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic row_valid_i,
  output logic row_ready_o,
  input  logic [${g.idxWidth}-1:0] qi_i,
  input  logic [${g.idxWidth}-1:0] kj_i,
  input  logic [${g.beatWidth}-1:0] kb_i,
  output logic bias_valid_o,
  input  logic bias_ready_i,
  output logic [${g.lanes * g.biasWidth}-1:0] bias_o
);
  logic valid_q;

  assign row_ready_o = !valid_q || bias_ready_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
    end else if (row_ready_o) begin
      valid_q <= row_valid_i;
    end
  end

  ${core} u_lanes (
    .clk_i (clk_i),
    .en_i  (row_ready_o),
    .qi_i  (qi_i),
    .kj_i  (kj_i),
    .kb_i  (kb_i),
    .bias_o(bias_o)
  );

  assign bias_valid_o = valid_q;
endmodule
`;
}

const lanesBlock = {
  name: 'logpe_bias',
  summary: 'test wrapper of the Log-PE lanes core',
  derive: () => {
    throw new Error('not used');
  },
  describe: () => ({}),
  model: ({ l, g }: LanesDerived, inputs: Rows): Out => ({ bias: inputs.rows.map(([i, b]) => laneBiases(l, g, i, b)) }),
  topModule: ({ l }: LanesDerived) => `${l.name}_lanes_wrap`,
  render: () => [],
  harness: {
    spec: ({ l, g }: LanesDerived) => ({
      top: `${l.name}_lanes_wrap`,
      inputs: [
        {
          name: 'row',
          fields: [
            { port: 'qi', width: g.idxWidth },
            { port: 'kj', width: g.idxWidth },
            { port: 'kb', width: g.beatWidth },
          ],
        },
      ],
      outputs: [{ name: 'bias', fields: [{ port: 'bias', width: g.lanes * g.biasWidth }] }],
    }),
    encode: ({ g }: LanesDerived, cases: Rows[]) => ({
      row: cases.flatMap((c) => c.rows.map(([i, b]) => [BigInt(i), BigInt(b * g.lanes), BigInt(b)])),
    }),
    expectedBeats: (_d: LanesDerived, cases: Rows[]) => ({ bias: cases.reduce((n, c) => n + c.rows.length, 0) }),
    decode: ({ g }: LanesDerived, cases: Rows[], out: Record<string, bigint[][]>) =>
      splitByCounts(
        out['bias']!,
        cases.map((c) => c.rows.length),
      ).map((beats) => ({
        bias: beats.map((beat) =>
          Array.from({ length: g.lanes }, (_, lane) =>
            Number((beat[0]! >> BigInt(lane * g.biasWidth)) & ((1n << BigInt(g.biasWidth)) - 1n)),
          ),
        ),
      })),
    // Every (query row, beat) of the matrix, then the same shuffled.
    stimulus: ({ l, g }: LanesDerived, rng: { int(lo: number, hi: number): number }) => {
      const all: [number, number][] = [];
      for (let i = 0; i < l.geometry.seqLen; i++) for (let b = 0; b < g.beats; b++) all.push([i, b]);
      const shuffled = [...all];
      for (let k = shuffled.length - 1; k > 0; k--) {
        const m = rng.int(0, k);
        [shuffled[k], shuffled[m]] = [shuffled[m]!, shuffled[k]!];
      }
      return [
        { name: 'all_beats', inputs: { rows: all } },
        { name: 'all_beats_shuffled', inputs: { rows: shuffled } },
      ];
    },
    expectedCycles: (_d: LanesDerived, cases: Rows[]) => cases.reduce((n, c) => n + c.rows.length, 0) + 1,
  },
  vectors: {
    inputs: () => {
      throw new Error('not used');
    },
    outputs: (_d: LanesDerived, _i: Rows, out: Out) => ({ bias: out.bias }),
    inputsToJson: (_d: LanesDerived, inputs: Rows) => ({ rows: inputs.rows }),
  },
} as unknown as AnyBlock;

/** The lanes core for `lanes` biases per clock, wrapped for co-simulation. */
export function lanesDesign(raw: Record<string, unknown>, lanes: number): Design & { lanesFiles: GeneratedFile[]; core: string } {
  const config = resolveConfig({ top: 'logpe_bias', ...raw }, VECTORS_DIR);
  const l = deriveLogPe(config);
  const g = deriveLogPeLanes(l, lanes);
  const meta = { generator: 'spikeforge-test', version: '0', configHash: 'test' };
  const lanesFiles = renderLogPeLanes(l, lanes, meta);
  const top = `${l.name}_lanes_wrap`;
  const files: GeneratedFile[] = [...lanesFiles, { path: `${top}.sv`, content: wrapperSv(top, logPeLanesModule(l), g), kind: 'sv' }];
  return { config, block: lanesBlock, derived: { l, g }, topModule: top, configHash: 'test', files, lanesFiles, core: logPeLanesModule(l) };
}
