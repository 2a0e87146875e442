/**
 * The equivalence proofs spikeforge runs on its own generated RTL, where simulation cannot
 * be exhaustive (docs/verification.md, "Formal proofs"):
 *
 *   grayFusedProof       the Gray term fused into the engine's popcount (the G code bits
 *                        appended to q and k, one popcount over D + G bits) ≡ the similarity
 *                        counted alone plus gray_term from a separate Gray ROM and an adder;
 *   logPeLanesProof      a `logic` Log-PE lanes core (priority encoders) ≡ the `distance-rom`
 *                        core (a ROM image from the golden model), on every (i, j0) the engine
 *                        presents, with stalls;
 *   latencyProof         any two modules computing the same function with known latencies
 *                        (e.g. a pipelined popcount against the combinational one).
 *
 * Each builds a miter (src/formal/miter.ts) around modules generated exactly as the
 * generator emits them; src/formal/prove.ts runs it.
 */
import { generateDesign } from '../design/design.js';
import type { XnorDerived } from '../blocks/xnor_attention/derive.js';
import type { GeneratedFile } from '../render/files.js';
import { resolveConfig } from '../io/config-file.js';
import { miterSv, type MiterSpec } from './miter.js';
import type { ProofTask } from './prove.js';
import { reflectedGray } from './reference.js';

function engine(raw: Record<string, unknown>, baseDir: string): { d: XnorDerived; files: GeneratedFile[] } {
  const design = generateDesign(resolveConfig({ top: 'xnor_attention', ...raw }, baseDir));
  return { d: design.derived as XnorDerived, files: design.files };
}

/** The files of one generated module (and its ROM images), by module-name suffix. */
function pick(files: GeneratedFile[], name: string, suffixes: string[]): GeneratedFile[] {
  return files.filter((f) => f.kind !== 'meta' && suffixes.some((s) => f.path.startsWith(`${name}_${s}`)));
}

const bitsFor = (x: number) => Math.max(1, x.toString(2).length);

export interface GrayFusedOptions {
  /** Engine config keys: seqLen, dim, timesteps, similarity, popcount, target, grayPe {position, bits, impl}. */
  config: Record<string, unknown>;
  name?: string;
  /** Break the reference on purpose (tests): add 1 to gray_term when both positions are this one. */
  breakAt?: number;
}

/**
 * The engine's fused popcount against a separate Gray ROM plus adder. Gold: two
 * `<name>_gray_code` cores (the engine's key and query codes, logic or ROM) feeding
 * `<name>_popcount` with {code, row} operands. Gate (reference, written here): the
 * similarity counted over the D data bits only, plus gray_term = G − popcount(code(p) XOR
 * code(p')) with the codes from a case table built by the reflection construction
 * (independent of the golden model). Every q, k row and every pair of positions < P.
 * Grid codes are computed inside the engine (no core), so this proof covers 1-D positions.
 *
 * Proved with BDDs (src/formal/prove.ts): the two sides are different adder trees over the
 * same bits, which SAT does not close at D = 64 with 6:3 counters; q and k enter interleaved.
 */
export function grayFusedProof(opts: GrayFusedOptions, baseDir = '.'): ProofTask {
  const name = opts.name ?? 'pf_gray';
  // A combinational proof: the popcount without its pipeline registers (popcountPipeline 0);
  // that the pipelined tree equals it, shifted by its stages, is latencyProof's job.
  const { d, files } = engine({ name, lanes: 1, ...opts.config, popcountPipeline: 0, grayPe: { enabled: true, ...(opts.config['grayPe'] as object) } }, baseDir);
  const g = d.gray;
  if (!g || g.grid) throw new Error('grayFusedProof: needs Gray-PE with 1-D positions');
  const D = d.dim;
  const G = g.bits;
  const P = g.positions;
  const pw = g.posWidth;
  const wide = bitsFor(D + G) + 1;
  const codes = reflectedGray(Math.max(1, bitsFor(P - 1)));
  const table = (sig: string, pos: string) =>
    [
      `    case (${pos})`,
      ...Array.from({ length: P }, (_, p) => `      ${pw}'d${p}: ${sig} = ${G}'d${codes[p]!};`),
      `      default: ${sig} = '0;`,
      '    endcase',
    ].join('\n');
  const match = d.similarity === 'and' ? '(q[c] & k[c])' : '(q[c] == k[c])';
  const spec: MiterSpec = {
    module: `${name}_miter`,
    inputs: [
      { name: 'q', width: D },
      { name: 'k', width: D },
      { name: 'qp', width: pw, below: P },
      { name: 'kp', width: pw, below: P },
    ],
    interleave: ['q', 'k'],
    outputWidth: wide,
    gold: {
      decls: [`logic [${G}-1:0] qcode, kcode;`, `logic [${d.countWidth}-1:0] fused;`],
      instances: [
        { module: `${name}_gray_code`, name: 'u_qcode', connections: { pos_i: 'qp', code_o: 'qcode' } },
        { module: `${name}_gray_code`, name: 'u_kcode', connections: { pos_i: 'kp', code_o: 'kcode' } },
        { module: `${name}_popcount`, name: 'u_count', connections: { a_i: '{qcode, q}', b_i: '{kcode, k}', count_o: 'fused' } },
      ],
      output: 'fused',
      latency: 0,
    },
    gate: {
      decls: [`logic [${G}-1:0] rq, rk;`, `logic [${wide}-1:0] sim, gray_term, reference;`],
      body: [
        '  // The reference: a Gray ROM (reflection construction) and an adder.',
        '  always_comb begin',
        table('rq', 'qp'),
        table('rk', 'kp'),
        "    sim = '0;",
        `    for (int c = 0; c < ${D}; c++) sim = sim + ${wide}'(${match});`,
        `    gray_term = ${wide}'d${G};`,
        `    for (int b = 0; b < ${G}; b++) gray_term = gray_term - ${wide}'(rq[b] ^ rk[b]);`,
        ...(opts.breakAt !== undefined ? [`    if (qp == ${pw}'d${opts.breakAt} && kp == ${pw}'d${opts.breakAt}) gray_term = gray_term + 1'b1;`] : []),
        '    reference = sim + gray_term;',
        '  end',
      ].join('\n'),
      output: 'reference',
      latency: 0,
    },
  };
  const rtl = pick(files, name, ['gray.sv', 'gray_code', 'popcount', 'pc_']);
  return {
    title: `Gray term fused into the popcount ≡ Gray ROM + adder (D = ${D}, G = ${G}, P = ${P}, ${d.similarity}, ${d.popcount}, ${g.impl})`,
    files: [...rtl, { path: `${name}_miter.sv`, content: miterSv(spec), kind: 'sv' }],
    top: spec.module,
    mode: 'comb',
    engine: 'bdd',
    show: ['q', 'k', 'qp', 'kp', 'gold_out', 'gate_out'],
  };
}

export interface LogPeLanesOptions {
  /** seqLen, grid, lanes, and a Log-PE table if any (mode "table" with a distance table). */
  config: Record<string, unknown>;
  name?: string;
  /** Replace the distance-rom's ROM image before the proof (tests: a broken entry). */
  editRom?: (mem: string) => string;
}

/**
 * `logic` ≡ `distance-rom` for the Log-PE lanes core the engine instantiates: both cores
 * get the same (qi, j0 = kb·Lanes, kb) for every query index qi < N and beat kb < ⌈N / Lanes⌉,
 * and the same load enable (stalls included); their registered bias_o must agree once
 * loaded. Temporal induction (both cores have latency 1).
 */
export function logPeLanesProof(opts: LogPeLanesOptions, baseDir = '.'): ProofTask {
  const base = opts.name ?? 'pf_lp';
  const cfg = (impl: string, suffix: string) =>
    engine({ name: `${base}_${suffix}`, dim: 1, ...opts.config, logPe: { enabled: true, ...(opts.config['logPe'] as object), impl } }, baseDir);
  const logic = cfg('logic', 'logic');
  const rom = cfg('distance-rom', 'rom');
  const g = logic.d.logPeLanes!;
  const n = logic.d.seqLen;
  const romFiles = pick(rom.files, `${base}_rom`, ['logpe_lanes']).map((f) =>
    f.kind === 'mem' && opts.editRom ? { ...f, content: opts.editRom(f.content) } : f,
  );
  const out = g.lanes * g.biasWidth;
  const lane = (which: string) => ({
    decls: [`logic [${out}-1:0] ${which}_bias;`],
    instances: [
      {
        module: `${base}_${which}_logpe_lanes`,
        name: `u_${which}`,
        connections: { clk_i: 'clk_i', en_i: 'en', qi_i: 'qi', kj_i: 'kj', kb_i: 'kb', bias_o: `${which}_bias` },
      },
    ],
    output: `${which}_bias`,
    latency: 1,
  });
  const spec: MiterSpec = {
    module: `${base}_miter`,
    inputs: [
      { name: 'qi', width: g.idxWidth, below: n },
      { name: 'kb', width: g.beatWidth, below: g.beats },
    ],
    derived: [{ name: 'kj', width: g.idxWidth, expr: `kb * ${g.idxWidth + g.beatWidth}'d${g.lanes}` }],
    outputWidth: out,
    gold: lane('logic'),
    gate: lane('rom'),
    enable: 'en',
  };
  const grid = logic.d.geometry.grid;
  return {
    title: `Log-PE logic ≡ distance-rom (N = ${n}${grid ? `, ${grid.rows}x${grid.cols} grid` : ''}, ${g.lanes} lane${g.lanes > 1 ? 's' : ''})`,
    files: [...pick(logic.files, `${base}_logic`, ['logpe_lanes', 'logpe_bitlen']), ...romFiles, { path: `${base}_miter.sv`, content: miterSv(spec), kind: 'sv' }],
    top: spec.module,
    mode: 'induction',
    maxSteps: 4,
    show: ['en', 'qi', 'kb', 'gold_out', 'gate_out'],
  };
}

export interface LatencyProofOptions {
  title: string;
  /** RTL of both modules (and anything they instantiate). */
  files: GeneratedFile[];
  /** Free inputs (port name = input name on both modules), with optional domains. */
  inputs: { name: string; width: number; below?: number }[];
  /** Compared output port (same name on both), and its width. */
  output: { port: string; width: number };
  gold: { module: string; latency: number };
  gate: { module: string; latency: number };
  /** Clock port name of the sequential modules (default clk_i). */
  clock?: string;
  /**
   * Load-enable port of the sequential modules (a global stall), driven by a free input:
   * stalls of any length are part of the proof. (Yosys's temporal induction requires the
   * states of an induction path to be pairwise different, so a stall — a repeated state —
   * cannot stretch a counterexample to induction: pipelines deeper than one stage close.)
   */
  enable?: string;
  maxSteps?: number;
}

/** Two modules that compute the same function with latencies L_gold and L_gate. */
export function latencyProof(o: LatencyProofOptions): ProofTask {
  const clock = o.clock ?? 'clk_i';
  const side = (label: string, m: { module: string; latency: number }) => {
    const connections: Record<string, string> = Object.fromEntries(o.inputs.map((i) => [i.name, i.name]));
    if (m.latency > 0) connections[clock] = 'clk_i';
    if (o.enable && m.latency > 0) connections[o.enable] = 'en';
    connections[o.output.port] = `${label}_y`;
    return { decls: [`logic [${o.output.width}-1:0] ${label}_y;`], instances: [{ module: m.module, name: `u_${label}`, connections }], output: `${label}_y`, latency: m.latency };
  };
  const spec: MiterSpec = {
    module: 'sf_latency_miter',
    inputs: o.inputs,
    outputWidth: o.output.width,
    gold: side('gold', o.gold),
    gate: side('gate', o.gate),
    ...(o.enable ? { enable: 'en' } : {}),
  };
  const sequential = Math.max(o.gold.latency, o.gate.latency) > 0;
  return {
    title: o.title,
    files: [...o.files, { path: 'sf_latency_miter.sv', content: miterSv(spec), kind: 'sv' }],
    top: spec.module,
    mode: sequential ? 'induction' : 'comb',
    maxSteps: o.maxSteps ?? Math.max(o.gold.latency, o.gate.latency) + 4,
    show: [...(o.enable ? ['en'] : []), ...o.inputs.map((i) => i.name), 'gold_out', 'gate_out'],
  };
}

export interface NeuronChainOptions {
  /** The LIF neuron module (`<name>_lif_neuron`) in both versions: its file and the edited copy. */
  original: GeneratedFile;
  changed: GeneratedFile;
  module: string;
  /** T: steps of one sequence (the array restarts every neuron from Vr after T steps). */
  steps: number;
  /** Vr as the array's SystemVerilog literal (the membrane every sequence starts from). */
  vReset: string;
  /**
   * Compare the membranes too (default), or the spikes only — for a design whose outputs
   * carry only the spikes (the head), where a membrane that differs without ever changing
   * a spike cannot be seen.
   */
  membranes?: boolean;
}

/**
 * Two versions of the LIF neuron (combinational: current and V in, spike and V' out), each
 * chained T times from Vr with the same T input currents: every spike (and every membrane,
 * unless `membranes` is false) must agree at every step, for every current the port can carry. The LIF array starts
 * every sequence of T steps from Vr and only stores what the neuron returns, so two neurons
 * equal on these chains give arrays (and heads) equal on every input sequence.
 */
export function neuronChainProof(o: NeuronChainOptions): ProofTask {
  const port = (name: string) => {
    const m = new RegExp(`(input|output)\\s+logic\\s+\\[(\\d+)-1:0\\]\\s+${name}\\b`).exec(o.original.content);
    if (!m) throw new Error(`neuronChainProof: no port ${name} in ${o.original.path}`);
    return Number(m[2]);
  };
  const cw = port('cur_i');
  const w = port('v_i');
  const rename = (f: GeneratedFile, tag: string): GeneratedFile => ({
    ...f,
    path: `${tag}${f.path}`,
    content: f.content.replace(new RegExp(`\\b${o.module}\\b`, 'g'), `${tag}${o.module}`),
  });
  const t = o.steps;
  const lines = [
    '// Formal miter (src/formal/proofs.ts, neuronChainProof): two neurons over T steps from Vr.',
    'module sf_neuron_miter (',
    ...Array.from({ length: t }, (_, s) => `  input  logic [${cw}-1:0] cur${s}_i,`),
    '  output logic ok_o',
    ');',
    `  logic [${w}-1:0] g_v [${t + 1}];`,
    `  logic [${w}-1:0] a_v [${t + 1}];`,
    `  logic [${t}-1:0] g_spk, a_spk;`,
    `  assign g_v[0] = ${o.vReset};`,
    `  assign a_v[0] = ${o.vReset};`,
  ];
  for (let s = 0; s < t; s++) {
    for (const tag of ['g', 'a']) {
      lines.push(`  ${tag}_${o.module} u_${tag}${s} (.cur_i(cur${s}_i), .v_i(${tag}_v[${s}]), .spike_o(${tag}_spk[${s}]), .v_o(${tag}_v[${s + 1}]));`);
    }
  }
  const eq = o.membranes === false ? [] : Array.from({ length: t }, (_, s) => `(g_v[${s + 1}] == a_v[${s + 1}])`);
  lines.push(`  assign ok_o = ${['(g_spk == a_spk)', ...eq].join(' && ')};`, 'endmodule', '');
  return {
    title: `LIF neuron ${o.module}: two versions over ${t} steps from Vr (${o.membranes === false ? 'spikes' : 'spikes and membranes'})`,
    files: [rename(o.original, 'g_'), rename(o.changed, 'a_'), { path: 'sf_neuron_miter.sv', content: lines.join('\n'), kind: 'sv' }],
    top: 'sf_neuron_miter',
    mode: 'comb',
    show: Array.from({ length: t }, (_, s) => `cur${s}_i`),
  };
}
