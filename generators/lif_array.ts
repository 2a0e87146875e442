/**
 * LIF generator (SPEC §5): the combinational one-step neuron (`<name>_lif_neuron`) and the
 * stream array around it (`<name>_lif_array`, `lanes` neurons per beat, membrane state in
 * registers, one output register stage). The attention head reuses both through
 * `renderLifArray(d, meta)` with a LifDerived from `deriveLifCore` (unsigned inputs in real
 * units, its own range).
 */
import type { LifDerived } from '../src/blocks/lif_array/derive.js';
import { lifArrayModule } from '../src/blocks/lif_array/index.js';
import type { BlockGenerator } from './types.js';
import type { GeneratedFile, RenderMeta } from '../src/render/files.js';
import { renderTemplate } from '../src/render/templates.js';
import { header } from '../src/render/header.js';
import { planRam, type RamPlan } from '../src/parts/ram.js';
import { ramModule, ramParams, renderRams } from './parts/ram.js';

export function lifNeuronModule(d: LifDerived): string {
  return `${d.name}_lif_neuron`;
}

/** A signed W-bit constant as SV source: `14'sd48`, `-14'sd64`, or the minimum as a pattern. */
export function svSigned(value: bigint, width: number): string {
  if (value >= 0n) return `${width}'sd${value}`;
  if (-value < 1n << BigInt(width - 1)) return `-${width}'sd${-value}`;
  return `{1'b1, ${width - 1}'d0}`;
}

function inputText(d: LifDerived): string {
  const kind = `${d.input.signed ? 'signed' : 'unsigned'} ${d.input.bits}-bit`;
  return d.input.realUnits ? `${kind} real integer, X = cur·2^${d.fracBits}` : `${kind}, X in units of 2^-${d.fracBits}`;
}

/** Derived parameters in words, for the header of both modules and the manifest. */
export function lifParams(d: LifDerived): Record<string, string | number> {
  const k = d.tauLog2;
  return {
    Update: d.decayInput ? `H = V + ((X - (V - Vr)) >>> ${k}) (decayInput)` : `H = V - ((V - Vr) >>> ${k}) + X`,
    Reset: d.reset === 'hard' ? 'hard: V = Vr after a spike' : 'soft: V = H - theta after a spike',
    FracBits: d.fracBitsDefault ? `${d.fracBits} (default k*T + 8)` : d.fracBits,
    Width: d.widthDefault ? `${d.width} (default: smallest width that cannot saturate)` : d.width,
    Theta: `${d.thetaFx} = ceil(${d.threshold} * 2^${d.fracBits})`,
    VReset: `${d.vResetFx} = ${d.vReset} * 2^${d.fracBits}`,
    Input: inputText(d),
    Timesteps: d.timesteps,
    Neurons: `${d.neurons} in ${d.groups} beat(s) of ${d.lanes} lane(s) per timestep`,
    Saturation: d.saturates
      ? `possible (safe width ${d.safeWidth})`
      : `never: H in ${d.bounds.hMin} .. ${d.bounds.hMax}, V in ${d.bounds.vMin} .. ${d.bounds.vMax}`,
    CalcWidth: d.calcWidth,
    Storage: d.storage.note,
  };
}

/** The RAMs of the membrane storage (none with registers). */
export function lifRamPlans(d: LifDerived): RamPlan[] {
  const s = d.storage;
  if (s.kind === 'registers') return [];
  return s.kind === 'sdp' ? [planRam('sdp', s.words, s.wordWidth)] : [planRam('sp', s.words, s.wordWidth, true), planRam('sp', s.words, s.wordWidth, true)];
}

function warningLines(d: LifDerived): string[] {
  return d.warnings.map((w) => `WARNING: ${w}`);
}

/** The combinational neuron: one step of SPEC §5 for one neuron. */
export function renderLifNeuron(d: LifDerived, meta: RenderMeta): GeneratedFile {
  const module = lifNeuronModule(d);
  if (d.calcWidth <= d.width) throw new Error(`lif: calc width ${d.calcWidth} must exceed W = ${d.width}`);
  const scaled = d.input.realUnits && d.fracBits > 0;
  const context = {
    header: header(
      module,
      ['One LIF step (SPEC §5) for one neuron, combinational: X, V -> S, V after the step,', 'with saturate_W and the reset as specified.', ...warningLines(d)],
      lifParams(d),
      meta,
    ),
    module,
    inputText: inputText(d),
    inputBits: d.input.bits,
    width: d.width,
    xWidth: d.input.xWidth,
    calcWidth: d.calcWidth,
    tauLog2: d.tauLog2,
    fracBits: d.fracBits,
    timesteps: d.timesteps,
    thetaFx: d.thetaFx.toString(),
    vResetFx: d.vResetFx.toString(),
    thetaLiteral: svSigned(d.thetaFx, d.width),
    vResetLiteral: svSigned(d.vResetFx, d.width),
    hMin: d.bounds.hMin.toString(),
    hMax: d.bounds.hMax.toString(),
    xSigned: d.input.signed && !scaled,
    xZeroExtended: !d.input.signed && !scaled,
    xScaledSigned: d.input.signed && scaled,
    xScaledUnsigned: !d.input.signed && scaled,
    decayInput: d.decayInput,
    hard: d.reset === 'hard',
    saturates: d.saturates,
  };
  return { path: `${module}.sv`, content: renderTemplate('lif_array/lif_neuron.sv.hbs', context), kind: 'sv' };
}

/** What both array templates (registers and RAM) take: the stream's widths, counters and reset value. */
function streamContext(d: LifDerived) {
  return {
    module: lifArrayModule(d),
    neuron: lifNeuronModule(d),
    inputText: inputText(d),
    lanes: d.lanes,
    width: d.width,
    inputBits: d.input.bits,
    curBits: d.lanes * d.input.bits,
    memBits: d.lanes * d.width,
    timesteps: d.timesteps,
    groups: d.groups,
    groupBits: d.groupWidth,
    stepBits: d.stepWidth,
    lastGroupLiteral: `${d.groupWidth}'d${d.groups - 1}`,
    lastStepLiteral: `${d.stepWidth}'d${d.timesteps - 1}`,
    vResetFx: d.vResetFx.toString(),
    vResetLiteral: svSigned(d.vResetFx, d.width),
  };
}

/** The stream array and its neuron (`top: "lif_array"`, and the head's LIF stage), and its RAM modules. */
export function renderLifArray(d: LifDerived, meta: RenderMeta): GeneratedFile[] {
  if (d.storage.kind !== 'registers') return renderLifArrayMem(d, meta);
  const module = lifArrayModule(d);
  const context = {
    header: header(
      module,
      [
        `${d.neurons} LIF neurons (SPEC §5) stepped over T = ${d.timesteps} timesteps, ${d.lanes} per beat.`,
        'Beats: neuron groups in order within a timestep, timesteps in order; a sequence is',
        `T * ${d.groups} beats and the next one follows back to back (V = Vr_fx at t = 0).`,
        'Latency 1 cycle; one beat per clock when not stalled.',
        ...warningLines(d),
      ],
      { ...lifParams(d), Latency: 1 },
      meta,
    ),
    ...streamContext(d),
    multiGroup: d.groups > 1,
    multiStep: d.timesteps > 1,
  };
  return [
    renderLifNeuron(d, meta),
    { path: `${module}.sv`, content: renderTemplate('lif_array/lif_array.sv.hbs', context), kind: 'sv' },
  ];
}

/** The array with its membranes in RAM (docs/lif_array.md, state storage): latency 2. */
function renderLifArrayMem(d: LifDerived, meta: RenderMeta): GeneratedFile[] {
  const module = lifArrayModule(d);
  const s = d.storage;
  const [plan] = lifRamPlans(d);
  const offset = s.narrow && s.storedOffset !== 0n;
  const context = {
    header: header(
      module,
      [
        `${d.neurons} LIF neurons (SPEC §5) stepped over T = ${d.timesteps} timesteps, ${d.lanes} per beat,`,
        `membranes in RAM: ${s.note}.`,
        'Beats: neuron groups in order within a timestep, timesteps in order; a sequence is',
        `T * ${d.groups} beats and the next one follows back to back (V = Vr_fx at t = 0).`,
        `Latency 2 cycles (RAM read, step); one beat per clock when not stalled${s.kind === 'sp' ? ', but the first beat of each timestep after the first waits one clock when it follows the previous beat directly (single-port banks)' : ''}.`,
        ...warningLines(d),
      ],
      { ...lifParams(d), Latency: 2 },
      meta,
    ),
    ...streamContext(d),
    storedWidth: s.storedWidth,
    storedText: s.narrow ? `V - (${s.storedOffset}), unsigned (every V after a step lies in ${d.bounds.vMin} .. ${d.bounds.vMax})` : `V itself, ${d.width}-bit two's complement`,
    storageNote: s.note,
    narrow: s.narrow,
    offset,
    offsetValue: s.storedOffset.toString(),
    offsetLiteral: svSigned(s.storedOffset, d.width),
    sdp: s.kind === 'sdp',
    sp: s.kind === 'sp',
    ramModule: ramModule(d.name, plan!),
    ramParams: ramParams(plan!),
  };
  return [
    renderLifNeuron(d, meta),
    { path: `${module}.sv`, content: renderTemplate('lif_array/lif_array_mem.sv.hbs', context), kind: 'sv' },
    ...renderRams(d.name, lifRamPlans(d), meta),
  ];
}

export const lifArrayGenerator: BlockGenerator<LifDerived> = { render: renderLifArray };
