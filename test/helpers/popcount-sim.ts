/**
 * Simulates generated popcount modules on their own under Verilator and Icarus: one
 * self-checking SystemVerilog testbench drives several popcounts (one per size) with
 * `$readmemh` vectors and compares every count with the expected one (an independent
 * bigint popcount). Vendor primitives (xc7-chain) come from Yosys's cell models, as in
 * co-simulation (src/tools/vendor.ts).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderPopcount, popcountModule } from '../../generators/parts/popcount.js';
import { bitlen, popcount } from '../../src/base/bits.js';
import { cacheTempDir } from '../../src/base/cache-dir.js';
import { uniqueFiles, vendorLibraries, type GeneratedFile } from '../../src/render/files.js';
import type { MatchInputs, PopcountArch } from '../../src/parts/popcount.js';
import { runTool } from '../../src/tools/run.js';
import { vendorModels, verilatorVendorArgs, verilatorVendorConfig } from '../../src/tools/vendor.js';

export interface PopcountCase {
  n: number;
  match: MatchInputs | null;
  /** Inputs: a (in_i, or a_i) and b (b_i, match only). */
  vectors: { a: bigint; b: bigint }[];
}

/** The count the module must give: popcount of in_i, or of the match (AND low, XNOR high). */
export function expectedCount(c: PopcountCase, v: { a: bigint; b: bigint }): number {
  const mask = (1n << BigInt(c.n)) - 1n;
  if (!c.match) return popcount(v.a & mask);
  const andMask = (1n << BigInt(c.match.andBits)) - 1n;
  return popcount(v.a & v.b & andMask) + popcount(~(v.a ^ v.b) & mask & ~andMask);
}

const hex = (v: bigint, width: number) => v.toString(16).padStart(Math.max(1, Math.ceil(width / 4)), '0');

/**
 * Builds and runs the cases under `simulator`; returns the testbench's report lines
 * ("DONE <prefix> <errors> errors", "MISMATCH …").
 */
export async function simulatePopcounts(arch: PopcountArch, cases: PopcountCase[], simulator: 'verilator' | 'icarus', edit?: (f: GeneratedFile) => GeneratedFile): Promise<string> {
  let files: GeneratedFile[] = [];
  const meta = { generator: 'spikeforge', version: 'test', configHash: 'test' };
  const tb: string[] = ['module tb;', '  int errors;'];
  const body: string[] = [];
  const mems: [string, string][] = [];
  cases.forEach((c, k) => {
    const prefix = `pc${k}_n${c.n}`;
    files.push(...renderPopcount(prefix, c.n, arch, meta, c.match));
    const w = bitlen(c.n);
    const v = c.vectors.length;
    tb.push(
      `  logic [${c.n - 1}:0] a${k} [${v}];`,
      `  logic [${c.n - 1}:0] b${k} [${v}];`,
      `  logic [${w - 1}:0] e${k} [${v}];`,
      `  logic [${c.n - 1}:0] a${k}_i, b${k}_i;`,
      `  logic [${w - 1}:0] c${k};`,
      c.match
        ? `  ${popcountModule(prefix)} u${k} (.a_i(a${k}_i), .b_i(b${k}_i), .count_o(c${k}));`
        : `  ${popcountModule(prefix)} u${k} (.in_i(a${k}_i), .count_o(c${k}));`,
    );
    if (!c.match) tb.push(`  logic unused_b${k};`, `  assign unused_b${k} = ^b${k}_i;`);
    mems.push([`a${k}.mem`, c.vectors.map((x) => hex(x.a, c.n)).join('\n')], [`b${k}.mem`, c.vectors.map((x) => hex(x.b, c.n)).join('\n')], [`e${k}.mem`, c.vectors.map((x) => hex(BigInt(expectedCount(c, x)), w)).join('\n')]);
    body.push(
      `    $readmemh("a${k}.mem", a${k});`,
      `    $readmemh("b${k}.mem", b${k});`,
      `    $readmemh("e${k}.mem", e${k});`,
      '    errors = 0;',
      `    for (int v = 0; v < ${v}; v++) begin`,
      `      a${k}_i = a${k}[v];`,
      `      b${k}_i = b${k}[v];`,
      '      #1;',
      `      if (c${k} !== e${k}[v]) begin`,
      `        if (errors < 3) $display("MISMATCH ${prefix} vector %0d: a %h b %h count %0d expected %0d", v, a${k}_i, b${k}_i, c${k}, e${k}[v]);`,
      '        errors++;',
      '      end',
      '    end',
      `    $display("DONE ${prefix} %0d errors", errors);`,
    );
  });
  tb.push('  initial begin', ...body, '    $finish;', '  end', 'endmodule', '');
  files = uniqueFiles(files);
  if (edit) files = files.map(edit);
  const models = await vendorModels(vendorLibraries(files));
  const dir = cacheTempDir('pcsim');
  try {
    for (const f of files) writeFileSync(join(dir, f.path), f.content);
    for (const [name, text] of mems) writeFileSync(join(dir, name), `${text}\n`);
    writeFileSync(join(dir, 'tb.sv'), tb.join('\n'));
    const sv = files.filter((f) => f.kind === 'sv').map((f) => f.path);
    if (simulator === 'verilator') {
      writeFileSync(join(dir, 'vendor.vlt'), verilatorVendorConfig(models));
      await runTool(
        'verilator',
        ['--binary', '--timing', '-j', '2', '--top-module', 'tb', '-Wno-fatal', '-Wno-lint', '-Wno-style', '--Mdir', 'obj', '-o', 'sim', ...verilatorVendorArgs(models, 'vendor.vlt'), 'tb.sv', ...sv],
        'building the popcount testbench',
        { cwd: dir, timeoutSeconds: 1800 },
      );
      return (await runTool(join(dir, 'obj', 'sim'), [], 'simulating the popcount testbench', { cwd: dir, timeoutSeconds: 600 })).stdout;
    }
    await runTool('iverilog', ['-g2012', '-s', 'tb', '-o', 'sim.vvp', 'tb.sv', ...sv, ...models.map((m) => m.path)], 'compiling the popcount testbench', { cwd: dir, timeoutSeconds: 600 });
    return (await runTool('vvp', ['-n', 'sim.vvp'], 'simulating the popcount testbench', { cwd: dir, timeoutSeconds: 600 })).stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
