/**
 * `synth` and `estimate`: Yosys counts, nextpnr Fmax, time limits, the I/O shell, device
 * choice, and the estimator's contract. Small gray_rom designs keep this fast.
 */
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BLOCK_NAMES, TARGET_NAMES } from '../src/base/config.js';
import { blocks } from '../src/design/registry.js';
import { estimateConfig, resourceModelFor } from '../src/estimate/index.js';
import { fitRelative, nnls } from '../src/estimate/fit.js';
import { ice40Brams } from '../src/targets/ice40.js';
import { resolveConfig } from '../src/io/config-file.js';
import { pickDevice } from '../src/tools/nextpnr.js';
import { pnrWrapper, portsOf } from '../src/tools/pnr-shell.js';
import { xc7Brams, xc7LutramLuts, xc7RamInBram } from '../src/targets/xc7.js';
import { TARGETS } from '../src/targets/index.js';
import { runTool } from '../src/tools/run.js';
import { withRtlDir } from '../src/tools/workdir.js';
import { ltpDepth, synthesize } from '../src/tools/yosys.js';
import { ICE40_DEVICES } from '../src/targets/ice40.js';
import type { GeneratedFile } from '../src/render/files.js';
import { cli, inProcess, ROOT } from './helpers/cli.js';
import { design } from './helpers/design.js';
import { referenceRun } from './helpers/reference-run.js';
import { FULL } from './helpers/tier.js';
import { formatSynth, type SynthResult } from '../src/app/synth.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'sf-synth-'));

function writeConfig(dir: string, cfg: Record<string, unknown>): string {
  const path = join(dir, 'cfg.json');
  writeFileSync(path, JSON.stringify(cfg));
  return path;
}

describe('spikeforge synth', () => {
  it('reports iCE40 cell counts and Fmax as JSON, and writes synth-ice40.json into the design folder', async () => {
    const dir = tmp();
    const cfg = writeConfig(dir, { top: 'gray_rom', name: 'sy', seqLen: 40 });
    const r = await inProcess(['synth', cfg, '--pnr', '--json', '-o', join(dir, 'rtl')]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.format).toBe('spikeforge.synth.v1');
    expect(j.design).toMatchObject({ name: 'sy', top: 'gray_rom', topModule: 'sy_gray_rom' });
    expect(j.target).toBe('ice40');
    expect(j.tools.yosys).toMatch(/^Yosys 0\.\d+/);
    expect(j.tools.nextpnr).toMatch(/nextpnr/);
    // 40 positions: a 6-bit index, six code bits registered, plus the valid flag.
    expect(j.luts).toBe(j.cells.SB_LUT4);
    expect(j.luts).toBeGreaterThan(0);
    expect(j.ffs).toBe(7);
    expect(j.carries).toBe(0);
    expect(j.brams).toBe(0);
    expect(j.depth).toBeNull();
    expect(j.pnr).toMatchObject({ status: 'ok', device: 'hx8k', package: 'ct256', seed: 1, lcsAvailable: 7680 });
    expect(j.pnr.fmaxMHz).toBeGreaterThan(50);
    // The five-pin shell adds a flip-flop per port bit: 1 + 6 + 1 in, 1 + 1 + 6 out.
    expect(j.pnr.shellFfs).toBe(16);
    expect(j.pnr.lcs).toBeGreaterThanOrEqual(j.luts);
    expect(j.estimate).toMatchObject({ itemsPerCycle: 1, item: 'codes' });
    expect(typeof j.estimateErrorPct.luts).toBe('number');
    const written = JSON.parse(readFileSync(join(dir, 'rtl', 'synth-ice40.json'), 'utf8'));
    expect(written).toEqual(j);
    expect(j.rtl).toEqual({ source: 'generated', changed: [] });

    // Fmax and logic cells as nextpnr itself reports them: the same shell, device and seed,
    // run here by hand; its log's last "Max frequency" line is the post-route figure.
    const d = design({ top: 'gray_rom', name: 'sy', seqLen: 40 });
    const wrap = pnrWrapper(d.block.ports(d.derived));
    const own = tmp();
    const files = [...d.files.filter((f) => f.kind !== 'meta'), wrap.file];
    const hx8k = ICE40_DEVICES.find((x) => x.name === 'hx8k')!;
    const yosysScript = `read_verilog -sv ${files.filter((f) => f.path.endsWith('.sv')).map((f) => f.path).join(' ')}; synth_ice40 -top ${wrap.module} -json netlist.json`;
    const pnrArgs = [...hx8k.flags, '--package', hx8k.package, '--json', 'netlist.json', '--pcf', 'empty.pcf', '--pcf-allow-unconstrained', '--seed', '1', '--freq', '12', '--timing-allow-fail'];
    const log = await referenceRun('pnr', files, [yosysScript, pnrArgs], async () => {
      for (const f of files) writeFileSync(join(own, f.path), f.content);
      await execa('yosys', ['-q', '-p', yosysScript], { cwd: own });
      writeFileSync(join(own, 'empty.pcf'), '');
      return String((await execa('nextpnr-ice40', pnrArgs, { cwd: own, all: true })).all);
    });
    const fmax = [...log.matchAll(/Max frequency for clock '[^']*': ([\d.]+) MHz/g)].map((m) => Number(m[1]));
    expect(fmax.length).toBeGreaterThan(0);
    expect(j.pnr.fmaxMHz).toBeCloseTo(fmax[fmax.length - 1]!, 2);
    const lcs = [...log.matchAll(/ICESTORM_LC:\s+(\d+)\/\s*(\d+)/g)].map((m) => Number(m[1]));
    expect(j.pnr.lcs).toBe(lcs[lcs.length - 1]);
    expect(existsSync(join(dir, 'rtl', 'manifest.json'))).toBe(true);

    // A second target adds its own file and keeps the first (same design, folder kept).
    const g = await inProcess(['synth', cfg, '--target', 'generic', '-o', join(dir, 'rtl')]);
    expect(g.exitCode).toBe(0);
    expect(g.stdout).toMatch(/LUT6\s+\d+/);
    expect(g.stdout).toMatch(/LUT6 depth\s+\d+/);
    const gj = JSON.parse(readFileSync(join(dir, 'rtl', 'synth-generic.json'), 'utf8'));
    expect(gj.depth).toBeGreaterThanOrEqual(1);
    expect(gj.pnr).toBeNull();
    expect(existsSync(join(dir, 'rtl', 'synth-ice40.json'))).toBe(true);
  });

  it('reuses the output of an identical Yosys and nextpnr run, runs them again with --no-cache or changed RTL', async () => {
    const dir = tmp();
    const env = { SPIKEFORGE_CACHE_DIR: join(dir, 'cache') };
    const cfg = writeConfig(dir, { top: 'gray_rom', name: 'ca', seqLen: 12 });
    const synth = async (...extra: string[]) => {
      const r = await cli(['synth', cfg, '--pnr', '--json', '-o', join(dir, 'rtl'), ...extra], ROOT, env);
      expect(r.exitCode, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as SynthResult;
    };
    const figures = (j: SynthResult) => ({ cells: j.cells, ffs: j.ffs, seconds: j.seconds, fmax: j.pnr!.fmaxMHz, lcs: j.pnr!.lcs });
    const first = await synth();
    expect([first.cached, first.pnr!.cached]).toEqual([false, false]);
    const again = await synth();
    expect([again.cached, again.pnr!.cached]).toEqual([true, true]);
    // The same figures, the first run's times included: nothing was run again.
    expect(figures(again)).toEqual(figures(first));
    expect(formatSynth(again)).toMatch(/synthesis [\d.]+ s \(an identical earlier run, from the cache\)/);
    expect(formatSynth(again)).toMatch(/Fmax .* s \(from the cache\)/);
    expect(formatSynth(first)).not.toMatch(/from the cache/);
    // --no-cache without --pnr: Yosys alone runs again (the same flag reaches nextpnr).
    const fresh = JSON.parse((await cli(['synth', cfg, '--json', '-o', join(dir, 'rtl'), '--no-cache'], ROOT, env)).stdout) as SynthResult;
    expect(fresh.cached).toBe(false);
    expect(fresh.cells).toEqual(first.cells);
    // The RTL on disk is the key: an edited design is synthesised, not served from the cache.
    const sv = join(dir, 'rtl', 'ca_gray_rom.sv');
    writeFileSync(sv, `${readFileSync(sv, 'utf8')}// edited\n`);
    const edited = await cli(['synth', '--design', join(dir, 'rtl'), '--json'], ROOT, env);
    expect(edited.exitCode, edited.stderr).toBe(0);
    expect((JSON.parse(edited.stdout) as SynthResult).cached).toBe(false);
  });

  it('stops a tool run at its time limit: exit 3 naming the tool and the limit', async () => {
    const dir = tmp();
    const cfg = writeConfig(dir, { top: 'gray_rom', name: 'slow', seqLen: 4096, grayPe: { impl: 'rom' } });
    const r = await inProcess(['synth', cfg, '--timeout', '0.05', '-o', join(dir, 'rtl')]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/SF_TOOL_TIMEOUT.*yosys did not finish .* within 0\.05 s/);
    expect(existsSync(join(dir, 'rtl', 'synth-ice40.json'))).toBe(false);
  });

  it('rejects bad options with exit 2', async () => {
    const dir = tmp();
    const cfg = writeConfig(dir, { top: 'gray_rom', name: 'bad', seqLen: 4 });
    // Option errors are main()'s: in-process.
    expect((await inProcess(['synth', cfg, '--target', 'vivado'])).exitCode).toBe(2);
    const pnr = await inProcess(['synth', cfg, '--target', 'generic', '--pnr']);
    expect(pnr.exitCode).toBe(2);
    expect(pnr.stderr).toMatch(/--pnr.*needs --target ice40/);
    const t = await inProcess(['synth', cfg, '--timeout', '-1']);
    expect(t.exitCode).toBe(2);
  });
});

/**
 * Every figure a synthesis report prints, against the tools' own output on designs whose
 * answer is known: the test runs Yosys itself with its own script, writes the mapped and
 * flattened netlist as JSON, and counts cells and follows LUT paths in TypeScript; Fmax
 * and logic cells are read from nextpnr's own log.
 */
interface NetCell {
  type: string;
  connections: Record<string, (number | string)[]>;
}

async function netlistOf(files: GeneratedFile[], top: string, synthesis: string): Promise<Record<string, NetCell>> {
  const sv = files.filter((f) => f.path.endsWith('.sv')).map((f) => f.path);
  const script = `read_verilog -sv ${sv.join(' ')}; ${synthesis}; setattr -mod -unset keep_hierarchy; flatten; hierarchy -top ${top}; write_json net.json`;
  const text = await referenceRun('netlist', files, script, async () => {
    const dir = tmp();
    for (const f of files) writeFileSync(join(dir, f.path), f.content);
    await execa('yosys', ['-q', '-p', script], { cwd: dir });
    return readFileSync(join(dir, 'net.json'), 'utf8');
  });
  const net = JSON.parse(text) as { modules: Record<string, { cells: Record<string, NetCell> }> };
  return net.modules[top]!.cells;
}

function countOf(cells: Record<string, NetCell>, re: RegExp): number {
  return Object.values(cells).filter((c) => re.test(c.type)).length;
}

/** LUTs on the longest path: every bit not driven by a LUT (port, flip-flop, constant) is level 0. */
function lutDepth(cells: Record<string, NetCell>): number {
  const driver = new Map<number | string, NetCell>();
  for (const c of Object.values(cells)) if (c.type === '$lut') driver.set(c.connections['Y']![0]!, c);
  const memo = new Map<NetCell, number>();
  const level = (bit: number | string): number => {
    const c = driver.get(bit);
    if (!c) return 0;
    if (!memo.has(c)) memo.set(c, 1 + Math.max(0, ...c.connections['A']!.map(level)));
    return memo.get(c)!;
  };
  return Math.max(0, ...[...driver.keys()].map(level));
}

/** Kept sub-modules nested two deep, each leaf exactly one 6-input LUT: 43 LUTs, depth 3, 217 flip-flops. */
const KNOWN_DEPTH: GeneratedFile[] = [
  {
    path: 'k_top.sv',
    kind: 'sv',
    content: `(* keep_hierarchy *)
module k_x6 (input logic [5:0] a_i, output logic y_o);
  assign y_o = ^a_i;
endmodule

(* keep_hierarchy *)
module k_two (input logic [35:0] a_i, output logic y_o);
  logic [5:0] mid;
  for (genvar i = 0; i < 6; i++) begin : g_x
    k_x6 u_x6 (.a_i(a_i[i*6 +: 6]), .y_o(mid[i]));
  end
  k_x6 u_last (.a_i(mid), .y_o(y_o));
endmodule

module k_top (input logic clk_i, input logic [215:0] d_i, output logic q_o);
  logic [215:0] d_q;
  logic [5:0] mid;
  logic y;
  always_ff @(posedge clk_i) d_q <= d_i;
  for (genvar i = 0; i < 6; i++) begin : g_x
    k_two u_two (.a_i(d_q[i*36 +: 36]), .y_o(mid[i]));
  end
  k_x6 u_x6 (.a_i(mid), .y_o(y));
  always_ff @(posedge clk_i) q_o <= y;
endmodule
`,
  },
];

describe('reported figures match the tools\' own output', () => {
  it('generic: LUT6 count, flip-flops and depth through nested keep_hierarchy modules (known: 43, 217, 3)', async () => {
    const r = await synthesize(KNOWN_DEPTH, 'k_top', 'generic');
    const net = await netlistOf(KNOWN_DEPTH, 'k_top', 'synth -top k_top -flatten; abc -lut 6; opt_clean');
    expect(lutDepth(net)).toBe(3);
    expect(countOf(net, /^\$lut$/)).toBe(43);
    expect(r).toMatchObject({ depth: 3, luts: 43, ffs: 217, carries: 0, brams: 0 });
    // The per-module lines ltp prints for sub-modules are not the design's depth.
    expect(ltpDepth('Longest topological path in \\k_two (length=2):\nLongest topological path in \\k_top (length=3):\n', 'k_top')).toBe(3);
  });

  // make test: the GPC tree (the deepest hierarchy); make test-full: all three architectures.
  it(`generic: the depth of a 21-input engine is the same for ${FULL ? 'every popcount architecture' : 'the gpc63 popcount'} as in the flattened netlist (5)`, async () => {
    for (const popcount of FULL ? ['loop', 'carry-tree', 'gpc63'] : ['gpc63']) {
      const d = design({ top: 'xnor_attention', name: 'dep', seqLen: 4, dim: 21, target: 'generic', popcount });
      const r = await synthesize(d.files, d.topModule, 'generic');
      const net = await netlistOf(d.files.filter((f) => f.kind !== 'meta'), d.topModule, `synth -top ${d.topModule} -flatten; abc -lut 6; opt_clean`);
      expect(r.depth, popcount).toBe(lutDepth(net));
      expect(r.depth, popcount).toBe(5);
      expect(r.luts, popcount).toBe(countOf(net, /^\$lut$/));
      expect(r.ffs, popcount).toBe(countOf(net, /^\$_(S)?DFF|^\$_DFFE|^\$_ALDFF|^\$_DLATCH/));
    }
  });

  it('ice40: SB_LUT4, SB_CARRY, SB_DFF* and SB_RAM40_4K as in the netlist (a 1024 x 10 ROM: 3 block RAMs)', async () => {
    const d = design({ top: 'gray_rom', name: 'cnt', seqLen: 1000, grayPe: { impl: 'rom' } });
    const r = await synthesize(d.files, d.topModule, 'ice40');
    const net = await netlistOf(d.files.filter((f) => f.kind !== 'meta'), d.topModule, `synth_ice40 -top ${d.topModule}`);
    expect(r.brams).toBe(3);
    expect(r).toMatchObject({
      luts: countOf(net, /^SB_LUT4$/),
      carries: countOf(net, /^SB_CARRY$/),
      ffs: countOf(net, /^SB_DFF/),
      brams: countOf(net, /^SB_RAM40_4K/),
      depth: null,
    });
  });
});

describe('spikeforge synth --target xc7 (AMD 7-series)', () => {
  it("reports LUT1-6, LUT RAM, CARRY4, flip-flops and block RAM exactly as Yosys's own `stat` counts them", async () => {
    // A small engine: adders on CARRY4, the key buffer in distributed RAM (RAM64M), the
    // sideband delay lines in SRL16E, a 4096 × 9 Log-PE table ROM in block RAM.
    const dir = tmp();
    const raw = { top: 'xnor_attention', name: 'x7', seqLen: 48, dim: 8, lanes: 1, target: 'xc7', popcount: 'carry-tree', logPe: { enabled: true, mode: 'table', table: Array.from({ length: 48 }, (_, i) => Array.from({ length: 48 }, (_, j) => (i * 7 + j * 3) % 300)), impl: 'table-rom' } };
    const r = await inProcess(['synth', writeConfig(dir, raw), '--target', 'xc7', '--json', '-o', join(dir, 'rtl')]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.target).toBe('xc7');
    // Yosys's text report of the same netlist, read independently of src/targets/xc7.ts.
    const d = design({ ...raw, name: 'x7' });
    const text = await referenceRun('xc7-stat', d.files, d.topModule, () =>
      withRtlDir(d.files, async (wd, sv) => {
        await runTool('yosys', ['-p', `read_verilog -sv ${sv.join(' ')}; synth_xilinx -family xc7 -top ${d.topModule} -flatten -noiopad -noclkbuf; tee -q -o stat.txt stat`], 'yosys', { cwd: wd, timeoutSeconds: 600 });
        return readFileSync(join(wd, 'stat.txt'), 'utf8');
      }),
    );
    // The last "Number of cells" block is the whole design (the hierarchy's total).
    const block = text.slice(text.lastIndexOf('Number of cells:'));
    const cells: Record<string, number> = {};
    for (const m of block.matchAll(/^\s+([A-Z][A-Z0-9_]+)\s+(\d+)$/gm)) cells[m[1]!] = (cells[m[1]!] ?? 0) + Number(m[2]);
    const n = (re: RegExp) => Object.entries(cells).reduce((s, [k, v]) => (re.test(k) ? s + v : s), 0);
    expect(n(/^RAM(32|64)M$/)).toBeGreaterThan(0);
    expect(n(/^RAMB(18|36)E1$/)).toBeGreaterThan(0);
    expect(n(/^CARRY4$/)).toBeGreaterThan(0);
    expect(j.carries).toBe(n(/^CARRY4$/));
    expect(j.ffs).toBe(n(/^FD[RSCP]E$/));
    // An INV is a LUT1; RAM32M and RAM64M are four LUT sites each, a shift register one
    // (Vivado's "LUT as Logic" and "LUT as Memory").
    const logic = n(/^LUT[1-6](_2)?$/) + n(/^INV$/);
    const memory = 4 * n(/^RAM(32|64)M$/) + n(/^SRL(C)?(16|32)E$/);
    expect(n(/^SRL16E$/)).toBeGreaterThan(0);
    expect(j.details['LUT as logic']).toBe(logic);
    expect(j.details['LUT as memory']).toBe(memory);
    expect(j.luts).toBe(logic + memory);
    expect(j.brams).toBe(n(/^RAMB18E1$/) + 2 * n(/^RAMB36E1$/));
    for (const k of [1, 2, 3, 4, 5, 6]) expect(j.details[`LUT${k}`]).toBe(cells[`LUT${k}`] ?? 0);
    expect(j.details['DSP48E1']).toBe(0);
    // The text report (what synth prints without --json, from the same result) names the
    // RAMB18 units and the LUT sizes.
    const printed = formatSynth(j as SynthResult);
    expect(printed).toMatch(/CARRY4\s+\d+/);
    expect(printed).toMatch(/LUT1\.\.LUT6 .*as memory \d+/);
    expect(printed).toMatch(/RAMB18E1 \d+, RAMB36E1 \d+/);
  });

  it('models the block-RAM / distributed-RAM choice and the ROM threshold as measured', () => {
    // Measured with Yosys 0.23 synth_xilinx (src/targets/xc7.ts).
    for (const [depth, width, bram] of [[128, 8, false], [256, 8, false], [512, 8, true], [1024, 8, true], [64, 40, false], [128, 40, false], [256, 40, true], [512, 40, true]] as const) {
      expect(xc7RamInBram(depth, width), `${depth} x ${width}`).toBe(bram);
    }
    expect(xc7LutramLuts(128, 40)).toBe(4 * 28 + 40);
    expect(xc7Brams(512, 36)).toBe(1);
    expect(xc7Brams(512, 40)).toBe(2);
    expect(xc7Brams(1024, 40)).toBe(3);
    expect(TARGETS.xc7.romInBram(1024, 8)).toBe(false);
    expect(TARGETS.xc7.romInBram(1024, 10)).toBe(true);
  });
});

describe('place-and-route shell and device choice', () => {
  it('drives every input from the shift register and observes every output', () => {
    const d = design({ top: 'gray_rom', name: 'w', seqLen: 12 });
    const spec = d.block.ports(d.derived);
    const { inputs, outputs } = portsOf(spec);
    expect(inputs.map((p) => p.port)).toEqual(['pos_valid_i', 'pos_i', 'code_ready_i']);
    expect(outputs.map((p) => p.port)).toEqual(['pos_ready_o', 'code_valid_o', 'code_o']);
    const w = pnrWrapper(spec);
    expect(w.inputBits).toBe(1 + 4 + 1);
    expect(w.outputBits).toBe(1 + 1 + 4);
    expect(w.file.content).toContain('.pos_i(in_q[4:1])');
    expect(w.file.content).toContain('.code_o(out_d[5:2])');
  });

  it('picks the smallest device that fits with "auto", and says when nothing fits', () => {
    expect(pickDevice('auto', { luts: 900, ffs: 300, carries: 0, brams: 2 }).device.name).toBe('hx1k');
    expect(pickDevice('auto', { luts: 3000, ffs: 300, carries: 0, brams: 2 }).device.name).toBe('up5k');
    const big = pickDevice('auto', { luts: 9000, ffs: 100, carries: 0, brams: 0 });
    expect(big.fits).toBe(false);
    expect(big.why).toMatch(/does not fit any supported iCE40 device.*9000 logic cells.*hx8k has 7680/);
    const fixed = pickDevice('hx1k', { luts: 100, ffs: 100, carries: 0, brams: 20 });
    expect(fixed.fits).toBe(false);
    expect(fixed.why).toMatch(/does not fit the hx1k.*20 block RAMs/);
  });

  it('counts SPRAM: a design that needs SB_SPRAM256KA fits only the UP5K', () => {
    expect(pickDevice('auto', { luts: 900, ffs: 300, carries: 0, brams: 2, sprams: 2 }).device.name).toBe('up5k');
    const hx = pickDevice('hx8k', { luts: 900, ffs: 300, carries: 0, brams: 2, sprams: 1 });
    expect(hx.fits).toBe(false);
    expect(hx.why).toMatch(/does not fit the hx8k.*1 SPRAMs.*hx8k has .* 0 SPRAMs/);
    expect(pickDevice('auto', { luts: 900, ffs: 300, carries: 0, brams: 2, sprams: 5 }).fits).toBe(false);
  });

  it('synth --device up5k runs synth_ice40 -device u -spram and counts the SPRAMs; --device auto picks the UP5K for them', async () => {
    const dir = tmp();
    const cfg = writeConfig(dir, { top: 'lif_array', name: 'sp', neurons: 8, lanes: 2, timesteps: 3, fold: { membranes: 'memory', memory: 'spram' }, lif: { inputWidth: 6 } });
    for (const device of ['up5k', 'auto']) {
      const r = await inProcess(['synth', cfg, '--device', device, '--json', '-o', join(dir, `rtl-${device}`)]);
      expect(r.exitCode, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j).toMatchObject({ device: 'up5k', yosysFlags: '-device u -spram', sprams: 2 });
      expect(j.cells.SB_SPRAM256KA).toBe(2);
      expect(j.estimate.sprams).toBe(2);
    }
  });
});

describe('estimator', () => {
  it('has a resource model for every registered block, keyed by block name', () => {
    for (const name of BLOCK_NAMES) {
      expect(blocks[name].resources.block).toBe(name);
      expect(resourceModelFor(name).block).toBe(name);
    }
    // Every block gets an estimate for each of its calibration configs.
    for (const name of BLOCK_NAMES) {
      for (const raw of resourceModelFor(name).calibrationSet()) {
        for (const target of TARGET_NAMES) {
          const e = estimateConfig(resolveConfig({ name: 'e', ...raw }, '.'), target);
          expect(e.luts + e.ffs).toBeGreaterThan(0);
          expect(e.rate.itemsPerCycle).toBeGreaterThan(0);
        }
      }
    }
  });

  // The estimator's speed (milliseconds, no tools) is measured by `make bench`, not asserted here.
  it('estimates from derived parameters, with a term breakdown', async () => {
    const cfg = resolveConfig({ top: 'gray_rom', name: 'e', seqLen: 1000, grayPe: { impl: 'rom' } }, '.');
    const e = estimateConfig(cfg, 'ice40');
    expect(e.brams).toBe(ice40Brams(1024, 10));
    expect(e.memoryBits).toBe(1024 * 10);
    expect(e.terms.find((t) => t.name === 'bram_tiles')!.value).toBe(3);
    const dir = tmp();
    const r = await inProcess(['estimate', writeConfig(dir, { top: 'gray_rom', name: 'e', seqLen: 168 }), '--json']);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ block: 'gray_rom', target: 'ice40', rate: { itemsPerCycle: 1, item: 'codes' } });
    expect(j.terms.length).toBeGreaterThan(0);
  });

  it('fits non-negative coefficients that recover a known model', () => {
    const a = [
      [1, 0, 2],
      [2, 1, 0],
      [3, 1, 1],
      [5, 2, 4],
      [1, 3, 1],
    ];
    const truth = [1.5, 0, 2];
    const y = a.map((row) => row.reduce((s, v, i) => s + v * truth[i]!, 0));
    const x = nnls(a, y);
    x.forEach((v, i) => expect(v).toBeCloseTo(truth[i]!, 6));
    // A negative least-squares solution is clamped at zero.
    expect(nnls([[1], [1]], [-1, -2])).toEqual([0]);
    expect(fitRelative(a, y).every((v) => v >= 0)).toBe(true);
  });

  it('counts iCE40 block RAM tiles like the mapper (256×16 … 2048×2)', () => {
    expect(ice40Brams(256, 8)).toBe(1);
    expect(ice40Brams(1024, 10)).toBe(3);
    expect(ice40Brams(4096, 12)).toBe(12);
    expect(ice40Brams(2048, 11)).toBe(6);
  });
});

describe('clock constraints (config clockMHz)', () => {
  it('are written with the design for nextpnr, SDC and XDC flows, and synth --pnr times against them (met / not met)', async () => {
    const dir = tmp();
    const cfg = writeConfig(dir, { top: 'gray_rom', name: 'ck', seqLen: 12, clockMHz: 48 });
    const g = await inProcess(['generate', cfg, '-o', join(dir, 'rtl')]);
    expect(g.exitCode, g.stderr).toBe(0);
    expect(readFileSync(join(dir, 'rtl', 'ck_clock.py'), 'utf8')).toMatch(/^ctx\.addClock\("clk_i", 48\)$/m);
    expect(readFileSync(join(dir, 'rtl', 'ck.sdc'), 'utf8')).toMatch(/^create_clock -name clk_i -period 20\.833 \[get_ports clk_i\]$/m);
    expect(readFileSync(join(dir, 'rtl', 'ck.xdc'), 'utf8')).toMatch(/^create_clock -period 20\.833 -name clk_i \[get_ports clk_i\]$/m);
    const manifest = JSON.parse(readFileSync(join(dir, 'rtl', 'manifest.json'), 'utf8')) as { files: { path: string }[] };
    expect(manifest.files.map((f) => f.path)).toEqual(expect.arrayContaining(['ck_clock.py', 'ck.sdc', 'ck.xdc']));

    const met = await inProcess(['synth', cfg, '--pnr', '--json', '-o', join(dir, 'rtl')]);
    expect(met.exitCode, met.stderr).toBe(0);
    const m = JSON.parse(met.stdout) as { pnr: { targetMHz: number; targetMet: boolean; fmaxMHz: number } };
    expect([m.pnr.targetMHz, m.pnr.targetMet]).toEqual([48, true]);
    expect(m.pnr.fmaxMHz).toBeGreaterThanOrEqual(48);

    // No iCE40 reaches 1,500 MHz: the report says so instead of a bare Fmax.
    const fast = writeConfig(dir, { top: 'gray_rom', name: 'ck', seqLen: 12, clockMHz: 1500 });
    const miss = await inProcess(['synth', fast, '--pnr', '-o', join(dir, 'rtl2')]);
    expect(miss.exitCode, miss.stderr).toBe(0);
    expect(miss.stdout).toMatch(/Fmax [\d.]+ MHz \(target 1500 MHz from clockMHz: NOT met\)/);

    // Without clockMHz there are no constraint files, and a bad value names the key.
    const none = await inProcess(['generate', writeConfig(dir, { top: 'gray_rom', name: 'nk', seqLen: 12 }), '-o', join(dir, 'rtl3')]);
    expect(none.exitCode).toBe(0);
    expect(existsSync(join(dir, 'rtl3', 'nk.sdc'))).toBe(false);
    const bad = await inProcess(['generate', writeConfig(dir, { top: 'gray_rom', name: 'bk', seqLen: 12, clockMHz: 0 }), '-o', join(dir, 'rtl4')]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/config key "clockMHz": value 0 is not allowed; allowed: a number of MHz > 0 and at most 2000/);
  });
});
