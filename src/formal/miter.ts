/**
 * Miters: a wrapper module that drives two implementations ("gold" and "gate") with the
 * same inputs and has one output, `ok_o`, that is 1 while they agree. The proof
 * (src/formal/prove.ts) shows `ok_o` is 1 in every cycle.
 *
 * The generic case is two sequential modules with known latencies: the output of the one
 * with the smaller latency is delayed by the difference (in registers that advance with
 * the same load enable as the designs, so a stall holds everything), and the outputs are
 * compared once as many enabled cycles have passed as the larger latency (before that the
 * pipelines hold their power-up contents). Two combinational modules are the case
 * latency 0 / 0: a plain comparison.
 *
 * Input domain: a free input with `below` set is replaced by 0 when it is ≥ `below`, so the
 * proof covers exactly the values 0 … below − 1 (e.g. an index < N) and nothing else.
 *
 * The property is stated twice: as the output `ok_o` (Yosys's `sat -prove ok_o 1`) and, under
 * `FORMAL` (defined by `read_verilog -formal`), as an assertion, which `write_aiger` turns into
 * the AIGER bad-state output !ok_o that the BDD engine (ABC) reads.
 */

export interface MiterInput {
  name: string;
  width: number;
  /** The proof covers values 0 … below − 1 only (larger ones are mapped to 0). */
  below?: number;
}

export interface MiterInstance {
  module: string;
  name: string;
  /** Port → expression. */
  connections: Record<string, string>;
}

export interface MiterSide {
  /** Extra declarations (wires the instances or the body use). */
  decls?: string[];
  instances?: MiterInstance[];
  /** SystemVerilog statements (e.g. an `always_comb` reference computation). */
  body?: string;
  /** The expression compared (outputWidth bits, zero-extended). */
  output: string;
  /** Clock edges from the inputs to `output`; 0 for combinational logic. */
  latency: number;
}

export interface MiterSpec {
  module: string;
  inputs: MiterInput[];
  /** Signals derived from the (domain-restricted) inputs, shared by both sides. */
  derived?: { name: string; width: number; expr: string }[];
  /** Width the two outputs are compared at. */
  outputWidth: number;
  gold: MiterSide;
  gate: MiterSide;
  /** Name of a free 1-bit input that is the load enable of both sides (a stall); none: always enabled. */
  enable?: string;
  /**
   * Two inputs of equal width that enter as one port `<a>_<b>_i` with their bits alternating
   * (a[c] at bit 2c, b[c] at 2c + 1). A BDD engine takes its variables in port-bit order, and
   * a function of the pairs (a[c], b[c]) — the popcount of XNOR or AND pairs — has a BDD of
   * polynomial size in this order and an exponential one with all of a before all of b.
   */
  interleave?: [string, string];
}

function sideText(label: string, side: MiterSide): string[] {
  const out = [`  // ${label}`, ...(side.decls ?? []).map((d) => `  ${d}`)];
  for (const inst of side.instances ?? []) {
    const ports = Object.entries(inst.connections).map(([p, e]) => `    .${p}(${e})`);
    out.push(`  ${inst.module} ${inst.name} (`, ports.join(',\n'), '  );');
  }
  if (side.body) out.push(side.body);
  return out;
}

/** The miter's SystemVerilog text. Sequential miters have a `clk_i` input. */
export function miterSv(spec: MiterSpec): string {
  const latency = Math.max(spec.gold.latency, spec.gate.latency);
  const sequential = latency > 0;
  const w = spec.outputWidth;
  const pair = spec.interleave ? spec.inputs.filter((i) => spec.interleave!.includes(i.name)) : [];
  if (spec.interleave && (pair.length !== 2 || pair[0]!.width !== pair[1]!.width)) {
    throw new Error(`miterSv: interleave needs two inputs of equal width, got ${spec.interleave.join(', ')}`);
  }
  const pairPort = pair.length ? `${pair[0]!.name}_${pair[1]!.name}_i` : '';
  const ports = [
    ...(sequential ? ['input  logic clk_i'] : []),
    ...(spec.enable ? [`input  logic ${spec.enable}_i`] : []),
    ...(pair.length ? [`input  logic [${2 * pair[0]!.width}-1:0] ${pairPort}`] : []),
    ...spec.inputs.filter((i) => !pair.includes(i)).map((i) => `input  logic [${i.width}-1:0] ${i.name}_i`),
    'output logic ok_o',
  ];
  const lines: string[] = [
    '// Formal miter (src/formal/miter.ts): ok_o = 1 while gold and gate agree.',
    `module ${spec.module} (`,
    ports.map((p) => `  ${p}`).join(',\n'),
    ');',
    '',
  ];
  if (spec.enable) lines.push(`  logic ${spec.enable};`, `  assign ${spec.enable} = ${spec.enable}_i;`);
  if (pair.length) {
    const [a, b] = pair.map((i) => i.name);
    lines.push(
      `  logic [${pair[0]!.width}-1:0] ${a}_i, ${b}_i;`,
      `  for (genvar c = 0; c < ${pair[0]!.width}; c++) begin : g_${a}_${b}`,
      `    assign ${a}_i[c] = ${pairPort}[2*c];`,
      `    assign ${b}_i[c] = ${pairPort}[2*c+1];`,
      '  end',
    );
  }
  for (const i of spec.inputs) {
    lines.push(`  logic [${i.width}-1:0] ${i.name};`);
    lines.push(
      i.below !== undefined && i.below < 2 ** i.width
        ? `  assign ${i.name} = (${i.name}_i < ${i.width}'d${i.below}) ? ${i.name}_i : '0;`
        : `  assign ${i.name} = ${i.name}_i;`,
    );
  }
  for (const d of spec.derived ?? []) lines.push(`  logic [${d.width}-1:0] ${d.name};`, `  assign ${d.name} = ${d.width}'(${d.expr});`);
  lines.push('', ...sideText('gold', spec.gold), '', ...sideText('gate', spec.gate), '');

  const en = spec.enable ?? "1'b1";
  const aligned = (label: string, side: MiterSide): string => {
    lines.push(`  logic [${w}-1:0] ${label}_out;`, `  assign ${label}_out = ${w}'(${side.output});`);
    const delay = latency - side.latency;
    if (!delay) return `${label}_out`;
    lines.push(`  logic [${w}-1:0] ${label}_dly_q [${delay}];`);
    lines.push('  always_ff @(posedge clk_i) begin', `    if (${en}) begin`, `      ${label}_dly_q[0] <= ${label}_out;`);
    for (let s = 1; s < delay; s++) lines.push(`      ${label}_dly_q[${s}] <= ${label}_dly_q[${s - 1}];`);
    lines.push('    end', '  end');
    return `${label}_dly_q[${delay - 1}]`;
  };
  const g = aligned('gold', spec.gold);
  const a = aligned('gate', spec.gate);
  if (sequential) {
    // Counts enabled cycles up to the latency: until then the pipelines hold power-up values.
    const cw = Math.max(1, Math.ceil(Math.log2(latency + 1)));
    lines.push(
      '',
      `  logic [${cw}-1:0] filled_q = '0;`,
      '  always_ff @(posedge clk_i) begin',
      `    if (${en} && filled_q != ${cw}'d${latency}) filled_q <= filled_q + 1'b1;`,
      '  end',
      `  assign ok_o = (filled_q != ${cw}'d${latency}) || (${g} == ${a});`,
    );
  } else {
    lines.push(`  assign ok_o = ${g} == ${a};`);
  }
  lines.push('', '`ifdef FORMAL', '  always_comb assert (ok_o);', '`endif', '', 'endmodule', '');
  return lines.join('\n');
}
