/**
 * The RAM part (src/parts/ram.ts, generators/parts/ram.ts) on its own: every style behind a
 * command stream, co-simulated against a reference memory (random writes and reads, random
 * gaps and back-pressure, randomised initial state), lint-clean, and mapped by Yosys where
 * the target rules say it goes (read from the synthesis report, not assumed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRams, ramModule, ramParams } from '../generators/parts/ram.js';
import { resolveConfig } from '../src/io/config-file.js';
import { planRam, type RamPlan } from '../src/parts/ram.js';
import { ice40, ice40Brams, ice40Sprams } from '../src/targets/ice40.js';
import type { Beat, StreamBeats } from '../src/blocks/ports.js';
import type { AnyBlock } from '../src/design/types.js';
import type { Design } from '../src/design/design.js';
import type { GeneratedFile } from '../src/render/files.js';
import type { Rng } from '../src/base/rng.js';
import { runTool } from '../src/tools/run.js';
import { withRtlDir } from '../src/tools/workdir.js';
import { lintVerilator, compileIcarus } from '../src/tools/portability.js';
import { synthesize } from '../src/tools/yosys.js';
import { expectBitExact } from './helpers/design.js';
import { FULL } from './helpers/tier.js';

const META = { generator: 'spikeforge-test', version: '0', configHash: 'test' };

/** A command: write `wdata` at `waddr` when `we`; read `raddr` when `re` (sp: one or the other). */
interface Cmd {
  we: boolean;
  waddr: number;
  wdata: bigint;
  re: boolean;
  raddr: number;
}
interface Case {
  cmds: Cmd[];
}

/** The wrapper: a command stream in, read data out (one beat per read), held under back-pressure. */
function wrapperSv(top: string, plan: RamPlan, prefix: string): string {
  const params = ramParams(plan)
    .map((p) => `.${p.name}(${p.value})`)
    .join(', ');
  const aw = plan.addrWidth;
  const w = plan.width;
  const ram =
    plan.kind === 'sdp'
      ? `  ${ramModule(prefix, plan)} #(${params}) u_ram (
    .clk_i  (clk_i),
    .we_i   (fire && we_i),
    .waddr_i(waddr_i),
    .wdata_i(wdata_i),
    .re_i   (fire && re_i),
    .raddr_i(raddr_i),
    .rdata_o(rdata_o)
  );

  assign reads = fire && re_i;`
      : `  // One port: a write command writes, any other command reads raddr_i.
  logic [${aw}-1:0] addr;
  assign addr = we_i ? waddr_i : raddr_i;

  ${ramModule(prefix, plan)} #(${params}) u_ram (
    .clk_i  (clk_i),
    .en_i   (fire),
    .we_i   (we_i),
    .addr_i (addr),
    .wdata_i(wdata_i),
    .rdata_o(rdata_o)
  );

  assign reads = fire && !we_i;

  logic unused_re;
  assign unused_re = re_i;`;
  return `// Test wrapper around the RAM part (test/ram.test.ts only).
module ${top} (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic cmd_valid_i,
  output logic cmd_ready_o,
  input  logic we_i,
  input  logic [${aw}-1:0] waddr_i,
  input  logic [${w}-1:0] wdata_i,
  input  logic re_i,
  input  logic [${aw}-1:0] raddr_i,
  output logic rd_valid_o,
  input  logic rd_ready_i,
  output logic [${w}-1:0] rdata_o
);

  logic fire, reads, valid_q;

  // A command is taken only when the read data register is free or being emptied, so the
  // RAM's read register (which holds while nothing reads) is the output register.
  assign cmd_ready_o = !valid_q || rd_ready_i;
  assign fire = cmd_valid_i && cmd_ready_o;

${ram}

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= 1'b0;
    end else if (cmd_ready_o) begin
      valid_q <= reads;
    end
  end

  assign rd_valid_o = valid_q;

endmodule
`;
}

/** Whether a command reads: its `re` (sdp), or not writing (sp). */
function isRead(plan: RamPlan, x: Cmd): boolean {
  return plan.kind === 'sdp' ? x.re : !x.we;
}

function reads(plan: RamPlan, c: Case): number {
  return c.cmds.filter((x) => isRead(plan, x)).length;
}

/** A design (in the co-simulation's sense) of one RAM plan behind the wrapper. */
function ramDesign(name: string, plan: RamPlan): Design {
  const top = `${name}_top`;
  const files: GeneratedFile[] = [...renderRams(name, [plan], META), { path: `${top}.sv`, content: wrapperSv(top, plan, name), kind: 'sv' }];
  const model = (_d: unknown, c: Case): { rdata: bigint[] } => {
    const mem = new Map<number, bigint>();
    const out: bigint[] = [];
    for (const x of c.cmds) {
      // Read first: the stimulus never reads the word it writes in the same command.
      if (isRead(plan, x)) out.push(mem.get(x.raddr) ?? 0n);
      if (x.we) mem.set(x.waddr, x.wdata);
    }
    return { rdata: out };
  };
  const block = {
    name: 'gray_rom',
    summary: `test RAM ${plan.kind} ${plan.depth}x${plan.width}`,
    describe: () => ({}),
    model,
    ports: () => ({
      top,
      inputs: [
        {
          name: 'cmd',
          fields: [
            { port: 'we', width: 1 },
            { port: 'waddr', width: plan.addrWidth },
            { port: 'wdata', width: plan.width },
            { port: 're', width: 1 },
            { port: 'raddr', width: plan.addrWidth },
          ],
        },
      ],
      outputs: [{ name: 'rd', fields: [{ port: 'rdata', width: plan.width }] }],
    }),
    cycles: (_d: unknown, cases: Case[]) => cases.reduce((n, c) => n + c.cmds.length, 0) + 1,
    render: () => files,
    harness: {
      encode: (_d: unknown, cases: Case[]): StreamBeats => ({
        cmd: cases.flatMap((c) => c.cmds.map((x): Beat => [x.we ? 1n : 0n, BigInt(x.waddr), x.wdata, x.re ? 1n : 0n, BigInt(x.raddr)])),
      }),
      expectedBeats: (_d: unknown, cases: Case[]) => ({ rd: cases.reduce((n, c) => n + reads(plan, c), 0) }),
      decode: (_d: unknown, cases: Case[], out: StreamBeats) => {
        let at = 0;
        return cases.map((c) => {
          const n = reads(plan, c);
          const beats = (out['rd'] ?? []).slice(at, at + n);
          at += n;
          return { rdata: beats.map((b) => b[0]!) };
        });
      },
      stimulus: (_d: unknown, rng: Rng, count: number) => {
        const mask = (1n << BigInt(plan.width)) - 1n;
        // Every case writes every word first (an unwritten word reads as anything, and the
        // model of a case does not know what earlier cases left), then mixes reads and writes.
        const cases: { name: string; inputs: Case }[] = [];
        for (let k = 0; k < count; k++) {
          const fill: Cmd[] = Array.from({ length: plan.depth }, (_, a) => ({ we: true, waddr: a, wdata: rng.uniform(plan.width) & mask, re: false, raddr: 0 }));
          const mixed: Cmd[] = Array.from({ length: 4 + rng.int(0, 40) }, () => {
            const we = rng.float() < 0.5;
            const waddr = rng.int(0, plan.depth - 1);
            // sp: a command writes or reads; sdp: both at once, but never the same word
            // (a read of the word being written is undefined on the hardware).
            const re = plan.kind === 'sp' ? !we : !we || plan.depth > 1 ? rng.float() < 0.8 : false;
            let raddr = rng.int(0, plan.depth - 1);
            if (we && re && raddr === waddr) raddr = (raddr + 1) % plan.depth;
            return { we, waddr, wdata: rng.uniform(plan.width) & mask, re, raddr };
          });
          cases.push({ name: `random_${k}`, inputs: { cmds: [...fill, ...mixed] } });
        }
        return cases;
      },
    },
    vectors: { inputs: () => ({}), outputs: (_d: unknown, _i: unknown, o: { rdata: bigint[] }) => ({ rdata: o.rdata.map(String) }), inputsToJson: () => ({}) },
  } as unknown as AnyBlock;
  const config = resolveConfig({ top: 'gray_rom', name, seqLen: 2 }, '.');
  return { config, block, derived: null, topModule: top, configHash: name, files };
}

describe('RAM part', () => {
  const plans: [string, RamPlan, boolean][] = [
    ['ram_sdp_256x16', planRam('sdp', 256, 16), true],
    ['ram_sdp_1x4', planRam('sdp', 1, 4), true],
    ['ram_spram_64x14', planRam('sp', 64, 14, true), true],
    ['ram_sdp_5x3', planRam('sdp', 5, 3), FULL],
    ['ram_sp_200x12', planRam('sp', 200, 12), FULL],
  ];
  for (const [name, plan, run] of plans) {
    it.runIf(run)(`${plan.kind}${plan.huge ? ' (SPRAM)' : ''} ${plan.depth}x${plan.width}: bit-exact against a reference memory, lint-clean, compiles under Icarus`, async () => {
      const d = ramDesign(name, plan);
      await lintVerilator(d.files, d.topModule);
      await compileIcarus(d.files, d.topModule);
      const report = await expectBitExact(d, 6, 3);
      expect(report.measuredCycles).toBeGreaterThan(plan.depth);
    });
  }

  it('fails when the read enable is ignored (the output no longer holds under back-pressure)', async () => {
    const d = ramDesign('ram_sdp_mut', planRam('sdp', 16, 8));
    const broken = {
      ...d,
      files: d.files.map((f) => (f.path === 'ram_sdp_mut_ram_sdp.sv' ? { ...f, content: f.content.replace('if (re_i) begin\n      rdata_q', 'if (1\'b1) begin\n      rdata_q') } : f)),
    };
    expect(broken.files.some((f, i) => f.content !== d.files[i]!.content)).toBe(true);
    await expect(expectBitExact(broken, 6, 3)).rejects.toThrow(/differs|held|protocol|mismatch/i);
  });

  it('maps as the iCE40 target rules say: block RAM above 66 bits per tile, flip-flops below (Yosys stat)', async () => {
    for (const [depth, width] of [
      [256, 16],
      [17, 4],
      [8, 8],
    ] as const) {
      const plan = planRam('sdp', depth, width);
      const d = ramDesign(`ram_map_${depth}x${width}`, plan);
      const r = await synthesize(d.files, d.topModule, 'ice40', { cache: true });
      const expected = ice40.ramInBram(depth, width) ? ice40Brams(depth, width) : 0;
      expect(r.brams, `${depth}x${width}`).toBe(expected);
    }
    expect(ice40.ramInBram(17, 4)).toBe(true);
    expect(ice40.ramInBram(8, 8)).toBe(false);
  });

  it('maps a single-port RAM to SB_SPRAM256KA with synth_ice40 -spram (UP5K)', async () => {
    const plan = planRam('sp', 16384, 16);
    const d = ramDesign('ram_spram_map', plan);
    const cells = await withRtlDir(d.files, async (dir, sv) => {
      await runTool('yosys', ['-q', '-p', `read_verilog -sv ${sv.join(' ')}; synth_ice40 -device u -spram -top ${d.topModule}; tee -q -o stat.txt stat`], 'synthesising the SPRAM test', { cwd: dir, timeoutSeconds: 300 });
      return readFileSync(join(dir, 'stat.txt'), 'utf8');
    });
    const m = /SB_SPRAM256KA\s+(\d+)/.exec(cells);
    expect(Number(m?.[1] ?? 0)).toBe(ice40Sprams(16384, 16));
    expect(cells).not.toMatch(/SB_RAM40_4K/);
  });
});
