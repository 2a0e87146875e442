/**
 * The generic harnesses (templates/harness/), rendered from a top's TopPorts only: the
 * Verilator C++ harness and the Icarus SV testbench. src/cosim builds and runs them; the
 * exported testbench (`generate --testbench`, src/design/testbench.ts) writes them out.
 *
 * The view gives every stream with its handshake port names (StreamSpec.valid/ready:
 * `<name>_valid_i` by default, `<name>_tvalid_i` on the AXI4-Stream wrapper) and the flag
 * outputs the harness watches.
 */
import { fieldPort, readyPort, validPort, type FlagPort, type StreamField, type StreamSpec, type TopPorts } from '../src/blocks/ports.js';
import { renderTemplate } from '../src/render/templates.js';

export interface StreamView {
  name: string;
  /** Handshake ports with their direction suffix. */
  valid: string;
  ready: string;
  fields: (StreamField & { words: number })[];
}

export interface HarnessView {
  top: string;
  inputs: StreamView[];
  outputs: StreamView[];
  flags: FlagPort[];
  /** Observation streams of the co-simulation build (TopPorts.observe): valid-only outputs. */
  observe: StreamSpec[];
  /** Every port of the top, clk_i and rst_ni first (the Icarus testbench connects them by name). */
  connections: string[];
}

const words = (width: number) => Math.ceil(width / 32);

export function harnessView(spec: TopPorts): HarnessView {
  const view =
    (dir: 'in' | 'out') =>
    (s: TopPorts['inputs'][number]): StreamView => ({
      name: s.name,
      valid: validPort(s, dir),
      ready: readyPort(s, dir),
      fields: s.fields.map((f) => ({ ...f, words: words(f.width) })),
    });
  const flags = spec.flags ?? [];
  return {
    top: spec.top,
    inputs: spec.inputs.map(view('in')),
    outputs: spec.outputs.map(view('out')),
    flags,
    observe: spec.observe ?? [],
    connections: [
      'clk_i',
      'rst_ni',
      ...spec.inputs.flatMap((s) => [validPort(s, 'in'), readyPort(s, 'in'), ...s.fields.map((f) => fieldPort(f, 'in'))]),
      ...spec.outputs.flatMap((s) => [validPort(s, 'out'), readyPort(s, 'out'), ...s.fields.map((f) => fieldPort(f, 'out'))]),
      ...(spec.observe ?? []).flatMap((s) => [`${s.name}_valid_o`, ...s.fields.map((f) => `${f.port}_o`)]),
      ...flags.map((f) => f.port),
    ],
  };
}

/**
 * Flags of every Verilator co-simulation build: randomised X state, assertions on. Waveform
 * support (`--trace`, `--trace-fst`) is a build of its own (src/cosim/verilator.ts): it makes
 * the C++ larger and the build slower, and a run needs it only when it writes a waveform.
 */
// SPIKEFORGE_ASSERT turns on the design's own assertions (docs/sv-style.md, assertions).
// SPIKEFORGE_OBSERVE adds the observation streams (docs/verification.md, observation).
export const VERILATOR_FLAGS = ['--x-assign', 'unique', '--x-initial', 'unique', '--assert', '-DSPIKEFORGE_ASSERT', '-DSPIKEFORGE_OBSERVE', '-Wno-fatal'];

/** Waveforms a Verilator build can write: none (the default build), VCD (`--trace`) or FST (`--trace-fst`, compressed). */
export type WaveFormat = 'none' | 'vcd' | 'fst';

const TRACE_CLASS: Record<WaveFormat, string> = { none: '', vcd: 'VerilatedVcdC', fst: 'VerilatedFstC' };

/**
 * The Verilator C++ harness of a top (the model class is always `Vtop`: build with
 * `--prefix Vtop`); with waveforms (`vcd`, `fst`) the build needs `--trace` / `--trace-fst`.
 */
export function verilatorHarness(spec: TopPorts, wave: WaveFormat = 'none'): string {
  return renderTemplate('harness/verilator_tb.cpp.hbs', { ...harnessView(spec), waves: wave === 'none' ? '' : wave, traceClass: TRACE_CLASS[wave] });
}

/** Module name of the generated Icarus testbench (design modules always carry the config's name prefix plus a piece). */
export function icarusTbModule(spec: TopPorts): string {
  return `spikeforge_icarus_tb__${spec.top}`;
}

/** The Icarus SV testbench of a top. */
export function icarusTestbench(spec: TopPorts): string {
  const view = harnessView(spec);
  const randomWidth = 32 * Math.max(1, ...view.inputs.flatMap((s) => s.fields.map((f) => f.words)));
  return renderTemplate('harness/icarus_tb.sv.hbs', { ...view, tbModule: icarusTbModule(spec), randomWidth });
}
