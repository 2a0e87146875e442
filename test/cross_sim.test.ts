/**
 * The second simulator: every reference vector file runs through Icarus and Verilator with
 * the same random schedule; both must match the file and agree with each other on every
 * bit and on the cycle of every beat. Then the checks themselves are shown to fail on
 * designs that the two simulators see differently.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blocks } from '../src/design/registry.js';
import type { GeneratedFile } from '../src/render/files.js';
import type { TopPorts } from '../src/blocks/ports.js';
import { checkVectorFile } from '../src/app/check.js';
import { Rng } from '../src/base/rng.js';
import { cosimCompare } from '../src/cosim/cosim.js';
import { compareRuns, crossCheck, crossCheckProblem } from '../src/cosim/cross.js';
import { SIMULATORS } from '../src/cosim/simulators.js';
import type { RunOutcome } from '../src/cosim/verilator.js';
import { loadVectorFile } from '../src/vectors/file.js';
import { design, mutate, traceDir, VECTORS_DIR } from './helpers/design.js';

const vectorFiles = readdirSync(VECTORS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ f, raw: JSON.parse(readFileSync(join(VECTORS_DIR, f), 'utf8')) as Record<string, unknown> }))
  .filter(({ raw }) => raw['format'] === 'spikeforge.vectors.v1')
  .map(({ f, raw }) => ({ f, top: (raw['config'] as { top: keyof typeof blocks }).top }));

describe('Icarus and Verilator agree on every reference vector file', () => {
  it('finds the vector files', () => {
    expect(vectorFiles.length).toBeGreaterThanOrEqual(9);
  });
  for (const { f, top } of vectorFiles) {
    const registered = Boolean(blocks[top]);
    const name = registered
      ? `${f} (${top}): both simulators match the file, bit for bit and cycle for cycle`
      : `PENDING ${f}: block ${top} is not registered yet`;
    it.skipIf(!registered)(name, async () => {
      const vf = loadVectorFile(join(VECTORS_DIR, f));
      const lines: string[] = [];
      const report = await checkVectorFile(vf, { rtl: true, sim: 'both', seed: 11, traceDir: traceDir(), log: (l) => lines.push(l) });
      expect(report.rtl?.simulators).toEqual(['verilator', 'icarus']);
      expect(lines.join('\n')).toMatch(/agree on \d+ output beats/);
    });
  }
});

function run(out: bigint[][], cycles: number[], status = 0): RunOutcome {
  return { status, message: status ? 'harness: time-out' : '', out: { s: out }, outCycles: { s: cycles }, cycles: 0, seconds: 0 };
}

describe('compareRuns names the first difference', () => {
  const a = run([[1n, 2n], [3n, 4n]], [5, 6]);
  it('agrees with an identical run', () => {
    expect(compareRuns(a, run([[1n, 2n], [3n, 4n]], [5, 6]))).toBeNull();
  });
  it('finds one flipped bit in one field', () => {
    expect(compareRuns(a, run([[1n, 2n], [3n, 5n]], [5, 6]))).toBe('stream s beat 1: verilator 3 4 (cycle 6), icarus 3 5 (cycle 6)');
  });
  it('finds a beat delivered on another cycle', () => {
    expect(compareRuns(a, run([[1n, 2n], [3n, 4n]], [5, 7]))).toMatch(/beat 1 \(3 4\) delivered on different cycles: verilator 6, icarus 7/);
  });
  it('compares observation streams (SPIKEFORGE_OBSERVE) too: a value, and a cycle', () => {
    const withObs = (v: bigint, cycle: number): RunOutcome => ({ ...a, obs: { o: [[7n], [v]] }, obsCycles: { o: [2, cycle] } });
    expect(compareRuns(withObs(8n, 4), withObs(8n, 4))).toBeNull();
    expect(compareRuns(withObs(8n, 4), withObs(9n, 4))).toBe('observation stream o beat 1: verilator 8 (cycle 4), icarus 9 (cycle 4)');
    expect(compareRuns(withObs(8n, 4), withObs(8n, 5))).toMatch(/observation stream o beat 1 \(8\) delivered on different cycles: verilator 4, icarus 5/);
  });
  it('finds a missing beat and a different status', () => {
    expect(compareRuns(a, run([[1n, 2n]], [5]))).toMatch(/beat 1: verilator 3 4 \(cycle 6\), icarus \(none\)/);
    expect(compareRuns(a, run([[1n, 2n], [3n, 4n]], [5, 6], 3))).toMatch(/run status differs: verilator 0, icarus 3/);
  });
});

/** A hand-written register stage with a 100-bit and a 3-bit field: the harnesses' wide-field paths. */
const PASS_SV = `module wide_pass (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic in_valid_i,
  output logic in_ready_o,
  input  logic [99:0] a_i,
  input  logic [2:0] b_i,
  output logic out_valid_o,
  input  logic out_ready_i,
  output logic [99:0] a_o,
  output logic [2:0] b_o
);
  logic valid_q;
  logic [99:0] a_q;
  logic [2:0] b_q;
  assign in_ready_o = !valid_q || out_ready_i;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) valid_q <= 1'b0;
    else if (in_ready_o) valid_q <= in_valid_i;
  end
  always_ff @(posedge clk_i) begin
    if (in_ready_o && in_valid_i) begin
      a_q <= a_i;
      b_q <= b_i;
    end
  end
  assign out_valid_o = valid_q;
  assign a_o = a_q;
  assign b_o = b_q ^ 3'(BFLIP);
endmodule
`;
const PASS_SPEC: TopPorts = {
  top: 'wide_pass',
  inputs: [{ name: 'in', fields: [{ port: 'a', width: 100 }, { port: 'b', width: 3 }] }],
  outputs: [{ name: 'out', fields: [{ port: 'a', width: 100 }, { port: 'b', width: 3 }] }],
};

describe('both harnesses carry fields wider than 64 bits', () => {
  const rng = new Rng(5);
  const beats = Array.from({ length: 300 }, () => [rng.uniform(100), rng.uniform(3)]);
  const files = (flip: string): GeneratedFile[] => [{ path: 'wide_pass.sv', content: PASS_SV.replace('BFLIP', flip), kind: 'sv' }];
  const settings = { seed: 9, pValid: 0.6, pReady: 0.5, maxCycles: 10_000, timeoutSeconds: 120 };

  it('delivers every 100-bit beat unchanged, on the same cycles, under back-pressure', async () => {
    const runs: RunOutcome[] = [];
    for (const sim of [SIMULATORS.verilator, SIMULATORS.icarus]) {
      const model = await sim.build(files("3'd0"), PASS_SPEC);
      const r = await sim.run(model, PASS_SPEC, { in: beats }, { out: beats.length }, settings);
      expect(r.status, `${sim.name}: ${r.message}`).toBe(0);
      expect(r.out['out']).toEqual(beats);
      runs.push(r);
    }
    expect(compareRuns(runs[0]!, runs[1]!)).toBeNull();
    // Back-pressure really happened: 300 beats took well over 300 cycles.
    expect(runs[0]!.cycles).toBeGreaterThan(450);
  });

  it('sees a one-bit change in the narrow field of a wide beat', async () => {
    const sim = SIMULATORS.icarus;
    const model = await sim.build(files("3'd4"), PASS_SPEC);
    const r = await sim.run(model, PASS_SPEC, { in: beats }, { out: beats.length }, settings);
    expect(r.out['out']![0]![1]).toBe(beats[0]![1]! ^ 4n);
    expect(r.out['out']![0]![0]).toBe(beats[0]![0]);
  });
});

describe('the cross check fails when the simulators see different designs', () => {
  const base = { top: 'gray_rom', seqLen: 16 } as const;
  const cases = (d: ReturnType<typeof design>) => d.block.harness.stimulus(d.derived, new Rng(2), 3);
  const expectedOf = (d: ReturnType<typeof design>, cs: ReturnType<typeof cases>) =>
    cs.map((c) => d.block.vectors.outputs(d.derived, c.inputs, d.block.model(d.derived, c.inputs)));
  const settings = { seed: 3, pValid: 0.6, pReady: 0.6 };

  it('agrees on the unmodified design', async () => {
    const d = design({ ...base, name: 'xs_ok' });
    const cs = cases(d);
    const c = await crossCheck(d, cs, expectedOf(d, cs), settings);
    expect(crossCheckProblem(c)).toBeNull();
    expect(c.beats).toBeGreaterThan(16);
  });

  it('reports a value that only Verilator computes differently', async () => {
    const d = design({ ...base, name: 'xs_val' });
    const broken = mutate(d, 'xs_val_gray_rom.sv', (sv) =>
      sv.replace('assign code_o = code_q;', "`ifdef VERILATOR\n  assign code_o = code_q ^ Bits'(1);\n`else\n  assign code_o = code_q;\n`endif"),
    );
    const cs = cases(d);
    const c = await crossCheck(broken, cs, expectedOf(d, cs), settings);
    expect(c.icarus.mismatch).toBeNull();
    expect(c.verilator.mismatch).not.toBeNull();
    expect(c.disagreement).toMatch(/stream code beat 0: verilator \w+ \(cycle \d+\), icarus \w+ \(cycle \d+\)/);
    expect(crossCheckProblem(c)).toMatch(/disagree/);
  });

  it('reports a timing difference even when both match the model', async () => {
    const d = design({ ...base, name: 'xs_lat' });
    // Under Icarus only, the stage moves every other cycle: same values, other cycles
    // (run at full throughput, where nothing stalls).
    const broken = mutate(d, 'xs_lat_gray_rom.sv', (sv) =>
      sv
        .replace('  assign pos_ready_o = !valid_q || code_ready_i;', [
          '  logic odd_q;',
          "  always_ff @(posedge clk_i or negedge rst_ni) if (!rst_ni) odd_q <= 1'b0; else odd_q <= !odd_q;",
          '`ifdef VERILATOR',
          "  logic go;\n  assign go = 1'b1;",
          '`else',
          '  logic go;\n  assign go = odd_q;',
          '`endif',
          '  assign pos_ready_o = !valid_q || (code_ready_i && go);',
        ].join('\n'))
        .replace('assign code_valid_o = valid_q;', 'assign code_valid_o = valid_q && go;'),
    );
    const cs = cases(d);
    const c = await crossCheck(broken, cs, expectedOf(d, cs), { seed: 3, pValid: 1, pReady: 1 });
    expect(c.verilator.mismatch).toBeNull();
    expect(c.icarus.mismatch).toBeNull();
    expect(c.verilator.fault).toBeNull();
    expect(c.icarus.fault).toBeNull();
    expect(c.disagreement).toMatch(/delivered on different cycles/);
  });

  it('reports X reaching a delivered beat under Icarus (a data register never loaded)', async () => {
    const d = design({ ...base, name: 'xs_x' });
    const broken = mutate(d, 'xs_x_gray_rom.sv', (sv) => sv.replace('code_q <= code_d;', 'code_q <= code_q;'));
    const cs = cases(d);
    const c = await cosimCompare(broken, cs, expectedOf(d, cs), settings, undefined, SIMULATORS.icarus);
    expect(c.fault).toMatch(/undefined value \(X\/Z\) under icarus: harness: stream code beat 0 \(cycle \d+\) delivered X\/Z bits on code_o/);
  });

  it('reports a valid bit without reset under Icarus', async () => {
    const d = design({ ...base, name: 'xs_rst' });
    const broken = mutate(d, 'xs_rst_gray_rom.sv', (sv) => sv.replace("valid_q <= 1'b0;", 'valid_q <= valid_q;'));
    const cs = cases(d);
    const c = await cosimCompare(broken, cs, expectedOf(d, cs), settings, undefined, SIMULATORS.icarus);
    expect(c.fault).toMatch(/X\/Z on code_valid_o at cycle 0 \(a valid bit must be reset\)/);
  });

  it('fails a design that only Verilator accepts, naming iverilog', async () => {
    const d = design({ ...base, name: 'xs_only' });
    // docs/sv-style.md: `parameter int unsigned` passes Verilator and fails Icarus 11.
    const broken = mutate(d, 'xs_only_gray_rom.sv', (sv) => sv.replace('  localparam int Bits', '  localparam int unsigned Unused = 1;\n  localparam int Bits').replace(/module (\w+) \(/, 'module $1 #(parameter int unsigned P = 1) ('));
    const cs = cases(d);
    await expect(crossCheck(broken, cs, expectedOf(d, cs), settings)).rejects.toThrow(/iverilog failed while compiling the co-simulation model of xs_only_gray_rom/);
  });
});

describe('check --sim', () => {
  it('runs a file under Icarus alone', async () => {
    const vf = loadVectorFile(join(VECTORS_DIR, 'pub_gray2d.json'));
    const report = await checkVectorFile(vf, { rtl: true, sim: 'icarus', seed: 4, traceDir: traceDir() });
    expect(report.rtl?.simulators).toEqual(['icarus']);
    expect(report.rtl?.cycles).toBeGreaterThan(vf.cases.length);
  });
});
