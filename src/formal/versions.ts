/**
 * Equivalence of two versions of one design (an original and a copy with one edit, e.g. a
 * mutant), by register correspondence and temporal induction over the two copies side by side.
 *
 * The two versions are renamed apart (every `<prefix>_` module and file name gets a `g_` /
 * `a_` in front) and driven from one miter with the same inputs; inputs with a domain (an
 * index < N) are mapped into it. Registers of the same hierarchical name correspond (their
 * common low bits, when an edit changed a width). Yosys's SAT solver proves, by temporal
 * induction from a first cycle in which corresponding registers are equal (the two copies
 * power up alike), reset is asserted and no input is valid (as every user starts a design),
 * that in every later cycle
 *
 *   - the copies show the same outputs: every ready, every valid, and the data of an output
 *     stream while its valid is set (the only time a consumer reads it), and
 *   - corresponding registers are still equal,
 *
 * for every input sequence, stalls and resets included (asynchronous resets are modelled as
 * synchronous in both copies). Undefined values (an out-of-range memory read or
 * part-select) are taken as 0 in both copies. Induction paths have pairwise different
 * states (Yosys's rule), so states the design cannot reach but cannot leave without an
 * input either (a counter past its last value, say) do not defeat it.
 *
 * Sufficient, not necessary: an edit that changes a register which never reaches an output
 * (or only in states the design never reaches) is "refuted" or "unknown" although the
 * outputs are equivalent; a mutant counts as equivalent only when "proved".
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readyPort, validPort, type TopPorts } from '../blocks/ports.js';
import type { GeneratedFile } from '../render/files.js';
import { runTool } from '../tools/run.js';
import { withRtlDir } from '../tools/workdir.js';

export interface VersionsProof {
  /**
   * proved: equivalent. refuted: from a common power-up state some input sequence makes the
   * outputs (or corresponding registers) differ — for a mutant usually a real difference,
   * but a register that differs without ever reaching an output also refutes. unknown:
   * induction did not close within maxSteps.
   */
  status: 'proved' | 'refuted' | 'unknown';
  /** Induction length reached. */
  steps: number | null;
  /** Corresponding registers (bits) the proof used. */
  registers: number;
  registerBits: number;
  seconds: number;
}

/**
 * The files with every `<prefix>_` module / file name prefixed by `tag`, and asynchronous
 * resets made synchronous (`@(posedge clk_i or negedge rst_ni)` → `@(posedge clk_i)`): the
 * register keeps its name, which the correspondence needs (Yosys's async2sync would put an
 * unnamed register behind it). Both versions get the same treatment.
 */
export function renameApart(files: GeneratedFile[], prefix: string, tag: string): GeneratedFile[] {
  const re = new RegExp(`\\b${prefix}_`, 'g');
  return files
    .filter((f) => f.kind !== 'meta')
    .map((f) => ({
      ...f,
      path: f.path.replace(re, `${tag}${prefix}_`),
      content: f.content.replace(re, `${tag}${prefix}_`).replace(/@\(posedge clk_i or negedge rst_ni\)/g, '@(posedge clk_i)'),
    }));
}

/** The miter of two renamed copies of a stream top: same inputs (domains applied), ok_o = outputs agree. */
export function versionsMiter(ports: TopPorts, gold: string, gate: string, domains: Record<string, number>, fieldWidths: Record<string, number>): string {
  const inPorts: { name: string; width: number }[] = [{ name: 'rst_ni', width: 1 }];
  const outs: string[] = [];
  for (const s of ports.inputs) {
    inPorts.push({ name: validPort(s, 'in'), width: 1 });
    for (const f of s.fields) inPorts.push({ name: `${f.port}_i`, width: fieldWidths[`${f.port}_i`] ?? f.width });
    outs.push(readyPort(s, 'in'));
  }
  for (const s of ports.outputs) {
    inPorts.push({ name: readyPort(s, 'out'), width: 1 });
    outs.push(validPort(s, 'out'));
  }
  const lines = ['// Formal miter (src/formal/versions.ts): two versions of one design, same inputs.', 'module sf_versions_miter (', '  input  logic clk_i,'];
  for (const p of inPorts) lines.push(`  input  logic [${p.width}-1:0] x_${p.name},`);
  lines.push('  output logic ok_o', ');', '');
  for (const p of inPorts) {
    const below = domains[p.name];
    lines.push(`  logic [${p.width}-1:0] ${p.name};`);
    lines.push(below !== undefined && below < 2 ** p.width ? `  assign ${p.name} = (x_${p.name} < ${p.width}'d${below}) ? x_${p.name} : '0;` : `  assign ${p.name} = x_${p.name};`);
  }
  const outWidth = (name: string) => {
    for (const s of ports.outputs) for (const f of s.fields) if (`${f.port}_o` === name) return fieldWidths[name] ?? f.width;
    return 1;
  };
  const allOuts = [...outs, ...ports.outputs.flatMap((s) => s.fields.map((f) => `${f.port}_o`))];
  for (const tag of ['g', 'a']) {
    for (const o of allOuts) lines.push(`  logic [${outWidth(o)}-1:0] ${tag}_${o};`);
    lines.push(`  ${tag === 'g' ? gold : gate} u_${tag === 'g' ? 'gold' : 'gate'} (`, '    .clk_i(clk_i),');
    lines.push([...inPorts.map((p) => `    .${p.name}(${p.name})`), ...allOuts.map((o) => `    .${o}(${tag}_${o})`)].join(',\n'));
    lines.push('  );');
  }
  const checks = outs.map((o) => `(g_${o} == a_${o})`);
  for (const s of ports.outputs) {
    const fields = s.fields.map((f) => `(g_${f.port}_o == a_${f.port}_o)`).join(' && ');
    checks.push(`(!g_${validPort(s, 'out')} || (${fields}))`);
  }
  lines.push(`  assign ok_o = ${checks.join(' && ')};`, '', 'endmodule', '');
  return lines.join('\n');
}

interface YosysJson {
  modules: Record<string, { cells: Record<string, { type: string; connections: Record<string, (number | string)[]> }>; netnames: Record<string, { bits: (number | string)[]; hide_name?: number }> }>;
}

/** Pairs of corresponding register slices `u_gold.<path>` / `u_gate.<path>`, from the flattened miter. */
export function correspondingRegisters(json: YosysJson, top: string): { gold: string; gate: string; width: number }[] {
  const m = json.modules[top]!;
  const q = new Set<number | string>();
  for (const c of Object.values(m.cells)) if (/dff/.test(c.type)) for (const b of c.connections['Q'] ?? []) q.add(b);
  // One name per register (a port of a sub-module that carries a register's bits is an alias).
  const regs = new Map<string, number>();
  const seen = new Set<string>();
  const names = Object.entries(m.netnames).sort(([a], [b]) => a.length - b.length || a.localeCompare(b));
  for (const [name, n] of names) {
    if (n.hide_name || !/^u_(gold|gate)\./.test(name)) continue;
    const key = `${name.slice(0, 7)}:${n.bits.join(',')}`;
    if (!n.bits.length || !n.bits.every((b) => q.has(b)) || seen.has(key)) continue;
    seen.add(key);
    regs.set(name, n.bits.length);
  }
  const out: { gold: string; gate: string; width: number }[] = [];
  for (const [name, width] of regs) {
    if (!name.startsWith('u_gold.')) continue;
    const other = `u_gate.${name.slice('u_gold.'.length)}`;
    const w2 = regs.get(other);
    if (w2 !== undefined) out.push({ gold: name, gate: other, width: Math.min(width, w2) });
  }
  return out.sort((a, b) => a.gold.localeCompare(b.gold));
}

const sig = (name: string, width: number) => `\\${name}[${width - 1}:0]`;

/**
 * Proves two versions of a stream top equivalent (see the file comment). `prefix`: the
 * config name both versions' module and file names start with; `top`: the top module's name.
 */
export async function proveVersionsEquivalent(opts: {
  original: GeneratedFile[];
  changed: GeneratedFile[];
  prefix: string;
  top: string;
  ports: TopPorts;
  /** Input port → exclusive upper bound of the values the proof covers. */
  domains?: Record<string, number>;
  /** Port widths when they differ from the stream spec's field widths (none normally). */
  fieldWidths?: Record<string, number>;
  timeoutSeconds?: number;
  /** Longest induction tried (default 6). */
  maxSteps?: number;
}): Promise<VersionsProof> {
  const maxSteps = opts.maxSteps ?? 6;
  const gold = renameApart(opts.original, opts.prefix, 'g_');
  const gate = renameApart(opts.changed, opts.prefix, 'a_');
  const miter = versionsMiter(opts.ports, `g_${opts.top}`, `a_${opts.top}`, opts.domains ?? {}, opts.fieldWidths ?? {});
  const files: GeneratedFile[] = [...gold, ...gate, { path: 'sf_versions_miter.sv', content: miter, kind: 'sv' }];
  const timeoutSeconds = opts.timeoutSeconds ?? 300;
  return withRtlDir(files, async (dir, sv) => {
    const elaborate = [
      `read_verilog -sv ${sv.join(' ')}`,
      'hierarchy -check -top sf_versions_miter',
      'setattr -mod -unset keep_hierarchy *',
      'proc',
      'flatten',
      // Memories as registers, one per word; no read-port register (it would have no name to match).
      'memory -nordff',
      // Plain $dff cells only (enables and resets as multiplexers): what sat imports everywhere.
      'dffunmap',
      'opt_clean',
      // Undefined values (a read past the end of a memory, in a state the design never
      // reaches) are 0 in both copies, instead of two independent unknowns.
      'setundef -undriven -zero',
    ];
    writeFileSync(join(dir, 'elaborate.ys'), [...elaborate, 'write_json miter.json'].join('\n'));
    const t0 = performance.now();
    await runTool('yosys', ['-q', '-s', 'elaborate.ys'], 'elaborating two design versions for an equivalence proof', { cwd: dir, timeoutSeconds });
    const regs = correspondingRegisters(JSON.parse(readFileSync(join(dir, 'miter.json'), 'utf8')) as YosysJson, 'sf_versions_miter');
    const eq = (flag: string) => regs.map((r) => `${flag} ${sig(r.gold, r.width)} ${sig(r.gate, r.width)}`).join(' ');
    // Temporal induction on "outputs agree and corresponding registers are equal". The
    // base case (only it: Yosys applies -set-at there, not to the induction step) starts
    // from a common power-up state with reset asserted and no input valid in the first cycle.
    const quiet = ['x_rst_ni', ...opts.ports.inputs.map((s) => `x_${validPort(s, 'in')}`)].map((w) => `-set-at 1 ${w} 1'b0`).join(' ');
    const script = [...elaborate, `tee -o proof.txt sat -tempinduct -maxsteps ${maxSteps} -prove ok_o 1 ${eq('-prove')} ${eq('-set-at 1')} ${quiet} sf_versions_miter`].join('\n');
    writeFileSync(join(dir, 'prove.ys'), script);
    await runTool('yosys', ['-q', '-s', 'prove.ys'], 'proving two design versions equivalent', { cwd: dir, timeoutSeconds });
    const log = readFileSync(join(dir, 'proof.txt'), 'utf8');
    const lengths = [...log.matchAll(/Trying induction with length (\d+)/g)].map((m) => Number(m[1]));
    const status = /Induction step proven: SUCCESS!/.test(log) ? 'proved' : /model found for base case: FAIL!/.test(log) ? 'refuted' : 'unknown';
    return {
      status,
      steps: lengths.length ? lengths[lengths.length - 1]! : null,
      registers: regs.length,
      registerBits: regs.reduce((s, r) => s + r.width, 0),
      seconds: (performance.now() - t0) / 1000,
    };
  });
}
