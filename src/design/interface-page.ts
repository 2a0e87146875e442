/**
 * The interface page of a design (`<name>_interface.md`, docs/integration.md): what a
 * hardware engineer needs to instantiate the top in their own project — ports with widths,
 * signedness and bit order, the valid/ready rules, framing and tlast when the AXI4-Stream
 * wrapper is the top, latency and cycle counts, an SV instantiation and a WaveDrom timing
 * diagram drawn with the top's real port names.
 *
 * Pure and deterministic: every fact comes from the block's ports(), frames(), describe()
 * and cycles() (never re-derived here); the same design gives the same bytes.
 */
import { fieldPort, readyPort, validPort, type StreamSpec, type TopPorts } from '../blocks/ports.js';
import type { AxisPlan } from '../blocks/axis.js';
import { Rng } from '../base/rng.js';
import type { AnyBlock } from './types.js';

export interface InterfacePageInput {
  name: string;
  configHash: string;
  version: string;
  block: AnyBlock;
  derived: unknown;
  /** The wrapper's plan when the config sets `axis`. */
  axis: AxisPlan | null;
}

export function interfacePageName(name: string): string {
  return `${name}_interface.md`;
}

interface PortRow {
  port: string;
  dir: 'input' | 'output';
  width: number;
  signed: boolean;
  what: string;
}

/** Every port of the top, clk_i and rst_ni first, in the order of the module header. */
export function portRows(ports: TopPorts): PortRow[] {
  const rows: PortRow[] = [
    { port: 'clk_i', dir: 'input', width: 1, signed: false, what: 'clock; everything is sampled on its rising edge' },
    { port: 'rst_ni', dir: 'input', width: 1, signed: false, what: 'reset, active low, asynchronous assert (release it synchronously to clk_i)' },
  ];
  const stream = (s: StreamSpec, dir: 'in' | 'out') => {
    const src = dir === 'in' ? 'input' : 'output';
    const back = dir === 'in' ? 'output' : 'input';
    rows.push({ port: validPort(s, dir), dir: src, width: 1, signed: false, what: `stream ${s.name}: a beat is offered` });
    rows.push({ port: readyPort(s, dir), dir: back, width: 1, signed: false, what: `stream ${s.name}: the beat is taken (a transfer when valid and ready are both high)` });
    for (const f of s.fields) rows.push({ port: fieldPort(f, dir), dir: src, width: f.width, signed: Boolean(f.signed), what: f.doc ?? `stream ${s.name} payload` });
  };
  for (const s of ports.inputs) stream(s, 'in');
  for (const s of ports.outputs) stream(s, 'out');
  for (const f of ports.flags ?? []) rows.push({ port: f.port, dir: 'output', width: 1, signed: false, what: f.doc });
  return rows;
}

const CYCLES = 12;
// One schedule for every input stream and one for every output stream, with a stall on
// each (valid high, ready low: the beat is held) and a gap (valid low). Cycle by cycle.
const IN_VALID = [0, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0];
const IN_READY = [1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1];
const OUT_VALID = [0, 0, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0];
const OUT_READY = [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1];

interface WaveSignal {
  name: string;
  wave: string;
  data?: string[];
}

/** A bit signal as a WaveDrom wave ('.' repeats the previous value). */
function bitWave(bits: number[]): string {
  return bits.map((b, i) => (i > 0 && bits[i - 1] === b ? '.' : String(b))).join('');
}

/** A data signal: the beat's label while valid, 'x' (don't care) otherwise. */
function dataWave(labels: (string | null)[]): { wave: string; data: string[] } {
  let wave = '';
  const data: string[] = [];
  labels.forEach((l, i) => {
    if (l === null) wave += i > 0 && labels[i - 1] === null ? '.' : 'x';
    else if (i > 0 && labels[i - 1] === l) wave += '.';
    else {
      wave += '=';
      data.push(l);
    }
  });
  return { wave, data };
}

/** Beat index on the data lines each cycle (held while stalled), or null when valid is low. */
function beatIndices(valid: number[], ready: number[]): (number | null)[] {
  let beat = 0;
  return valid.map((v, i) => {
    if (!v) return null;
    const here = beat;
    if (ready[i]) beat++;
    return here;
  });
}

/**
 * The WaveDrom diagram (https://wavedrom.com): clk_i, rst_ni, then per stream its valid,
 * ready and fields, on a schedule with a stall and a gap on every stream. Illustrative:
 * the distance between input and output beats is not the design's latency.
 */
export function timingDiagram(ports: TopPorts, frames: Record<string, { beats: number }>): { signal: (WaveSignal | Record<string, never> | (string | WaveSignal)[])[]; head: { text: string }; foot: { text: string } } {
  const signal: (WaveSignal | Record<string, never> | (string | WaveSignal)[])[] = [
    { name: 'clk_i', wave: `p${'.'.repeat(CYCLES - 1)}` },
    { name: 'rst_ni', wave: `1${'.'.repeat(CYCLES - 1)}` },
  ];
  const group = (s: StreamSpec, dir: 'in' | 'out') => {
    const valid = dir === 'in' ? IN_VALID : OUT_VALID;
    const ready = dir === 'in' ? IN_READY : OUT_READY;
    const beats = beatIndices(valid, ready);
    const lines: WaveSignal[] = [
      { name: validPort(s, dir), wave: bitWave(valid) },
      { name: readyPort(s, dir), wave: bitWave(ready) },
    ];
    const frame = frames[s.name]?.beats ?? 1;
    for (const f of s.fields) {
      if (f.port.endsWith('_tlast')) {
        // tlast on the last beat of a frame (low while valid is low: don't care, drawn 0).
        lines.push({ name: fieldPort(f, dir), wave: bitWave(beats.map((b) => (b !== null && b % frame === frame - 1 ? 1 : 0))) });
        continue;
      }
      lines.push({ name: fieldPort(f, dir), ...dataWave(beats.map((b) => (b === null ? null : `${f.port}${b}`))) });
    }
    signal.push({}, [`${s.name} (${dir === 'in' ? 'input' : 'output'})`, ...lines]);
  };
  for (const s of ports.inputs) group(s, 'in');
  for (const s of ports.outputs) group(s, 'out');
  for (const f of ports.flags ?? []) signal.push({}, { name: f.port, wave: `0${'.'.repeat(CYCLES - 1)}` });
  return {
    signal,
    head: { text: `${ports.top}: valid/ready, with a stall (valid high, ready low) and a gap on every stream` },
    foot: { text: 'illustrative schedule: input beats and output beats are not drawn at the real latency' },
  };
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

export function interfacePage(p: InterfacePageInput): string {
  const ports = p.block.ports(p.derived);
  const frames = p.block.frames(p.derived);
  const described = p.block.describe(p.derived);
  const rows = portRows(ports);
  const L: string[] = [];
  L.push(`# ${ports.top}: interface`, '');
  L.push(
    `Generated by spikeforge ${p.version} with the design (config hash ${p.configHash}); ${p.block.summary}`,
    '',
    `The top module is \`${ports.top}\`; its files are listed in \`${p.name}.f\` (compile order) and \`${p.name}.core\` (FuseSoC). Keep the \`.mem\` files beside the sources.`,
    '',
  );

  L.push('## Ports', '', '| port | direction | width | signed | what |', '|---|---|---|---|---|');
  for (const r of rows) L.push(`| \`${r.port}\` | ${r.dir} | ${r.width} | ${r.signed ? "two's complement (per lane)" : 'unsigned'} | ${cell(r.what)} |`);
  L.push(
    '',
    'Bit order: bit 0 is the least significant bit of every port; a field of several lanes holds lane l at bits [l·w, (l+1)·w). A spike row carries feature c at bit c.',
    '',
  );

  L.push(
    '## Valid/ready rules',
    '',
    '- A beat moves on a rising edge of `clk_i` where valid and ready are both high.',
    '- Once valid is high it stays high, with the payload unchanged, until the beat moves; the design keeps this rule on its outputs and expects it on its inputs.',
    '- Ready may depend on valid in the same cycle; valid never depends on ready.',
    '- Inputs may pause at any time and outputs may be held back at any time; nothing is lost or duplicated. Input data while valid is low is ignored.',
    '- The streams are independent: each input stream may run ahead of the others as far as the design buffers it.',
    '',
  );

  L.push('## Frames', '', '| stream | beats per frame | a frame is |', '|---|---|---|');
  for (const s of [...ports.inputs, ...ports.outputs]) {
    const f = frames[s.name];
    if (f) L.push(`| ${s.name} | ${f.beats} | ${cell(f.what)} |`);
  }
  L.push('');
  if (p.axis) {
    L.push(
      '## AXI4-Stream',
      '',
      `\`${p.axis.module}\` wraps \`${p.axis.core.top}\` with no register on the data path (the latency and cycle counts below are the core's). Per stream: \`tvalid\`/\`tready\` are the handshake above, \`tdata\` holds the core's fields packed from bit 0 in this order, zero padding up to whole bytes, and \`tlast\` is high on the last beat of every frame.`,
      '',
      '| stream | tdata bits | field | bits | signed | what |',
      '|---|---|---|---|---|---|',
    );
    for (const s of [...p.axis.inputs, ...p.axis.outputs]) {
      s.fields.forEach((f, i) => {
        const core = s.core.fields[i]!;
        L.push(`| ${s.name} | ${s.tdataWidth} | \`${f.port}\` | [${f.offset + f.width - 1}:${f.offset}] | ${core.signed ? "two's complement (per lane)" : 'unsigned'} | ${cell(core.doc ?? '')} |`);
      });
    }
    L.push(
      '',
      'On an input, `tlast` must be high exactly on the last beat of each frame. If it is not, `error_o` rises and stays high until reset, and the wrapper keeps the core aligned to its frames instead of hanging:',
      '',
      '- an early `tlast` (before the frame is complete): the beat goes in, then the wrapper completes the frame with zero beats (`tready` low meanwhile);',
      '- a missing `tlast` (on the last beat of a frame): the beat goes in as the frame\'s last, then the wrapper drops transfers (`tready` high) up to and including the next beat with `tlast`.',
      '',
      'The results after an error are not meaningful; reset the design to clear `error_o`.',
      '',
    );
  }

  L.push('## Latency and cycles', '', 'From the block\'s derived parameters (the values `manifest.json` → `derived` holds):', '', '| parameter | value |', '|---|---|');
  for (const [k, v] of Object.entries(described)) {
    if (/latency|cycle/i.test(k)) L.push(`| ${k} | ${cell(String(v))} |`);
  }
  const one = p.block.harness.stimulus(p.derived, new Rng(1), 0)[0];
  if (one) {
    L.push(
      '',
      `Cycles from reset release to the last output beat at full rate (no gaps, no back-pressure; the formula the co-simulation measures): one case ${p.block.cycles(p.derived, [one.inputs])}, two cases back to back ${p.block.cycles(p.derived, [one.inputs, one.inputs])}.`,
    );
  }
  L.push('');

  L.push('## Instantiation', '', '```systemverilog');
  const width = (w: number) => (w === 1 ? '' : ` [${w - 1}:0]`);
  for (const r of rows.slice(2)) L.push(`logic${width(r.width)} ${r.port.replace(/_[io]$/, '')};`);
  L.push('', '// clk_i and rst_ni: your clock and reset', `${ports.top} u_${p.name} (`);
  const pad = Math.max(...rows.map((r) => r.port.length));
  rows.forEach((r, i) => {
    const wire = i < 2 ? r.port : r.port.replace(/_[io]$/, '');
    L.push(`  .${r.port.padEnd(pad)} (${wire})${i === rows.length - 1 ? '' : ','}`);
  });
  L.push(');', '```', '');

  L.push(
    '## Timing',
    '',
    'A few beats on every stream, with a stall (valid high, ready low: the beat is held) and a gap (valid low). The schedule is illustrative: output beats are not drawn at the real latency (above). Render with WaveDrom (wavedrom.com, or a Markdown viewer with the WaveDrom plugin).',
    '',
    '```wavedrom',
    JSON.stringify(timingDiagram(ports, frames), null, 1),
    '```',
    '',
  );
  return L.join('\n');
}
