/**
 * Resource model of `lif_array` (SPEC §5; generators/lif_array.ts): `lanes` neuron
 * datapaths (charge, saturate, compare, reset on calcWidth-bit arithmetic) and the output
 * registers, and the membrane storage (docs/lif_array.md, state storage): a register file
 * of `neurons` W-bit membranes read through a groups:1 multiplexer per lane, or a RAM (the
 * RAM part) placed by the target facts — block RAM tiles, SPRAM macros (exact counts), or
 * flip-flops with their read multiplexer when the memory is too small for block RAM — with
 * a read stage in front of the neurons.
 */
import type { LifDerived } from './derive.js';
import { bitlen } from '../../base/bits.js';
import { carryBits, carryPerBit, term, terms, type BlockResourceModel, type EstimateTarget, type TermsByResource } from '../../targets/cost.js';
import { targetFor } from '../../targets/index.js';
import { planRam, ramPlacement, type RamPlacement } from '../../parts/ram.js';

/** Where the membrane memories land (summed over the two banks of single-port storage). */
export function lifMemoryPlacement(d: LifDerived, target: EstimateTarget): RamPlacement | null {
  const s = d.storage;
  if (s.kind === 'registers') return null;
  const plan = s.kind === 'sdp' ? planRam('sdp', s.words, s.wordWidth) : planRam('sp', s.words, s.wordWidth, true);
  const one = ramPlacement(plan, targetFor(target));
  const n = s.kind === 'sp' ? 2 : 1;
  return { brams: n * one.brams, sprams: n * one.sprams, ffBits: n * one.ffBits, muxBits: n * one.muxBits };
}

export const lifArrayResources: BlockResourceModel<LifDerived> = {
  block: 'lif_array',
  terms(d, target): TermsByResource {
    const ice40 = target === 'ice40';
    const mem = lifMemoryPlacement(d, target);
    const muxInputs = d.groups > 1 ? d.groups - 1 : 0;
    const counters = bitlen(Math.max(1, d.groups - 1)) + bitlen(Math.max(1, d.timesteps - 1));
    const s = d.storage;
    const offset = mem && s.narrow && s.storedOffset !== 0n ? d.lanes * s.storedWidth : 0;
    return terms(
      [
        term('datapath_bits', d.lanes * d.calcWidth, ice40 ? 5.4 : 3.5, 'neuron datapath per lane and arithmetic bit (docs/lif_array.md: 87 LUT4 for W = 16)'),
        term('state_mux', mem ? 0 : d.lanes * d.width * muxInputs, ice40 ? 0.9 : 0.45, 'membrane register file: read multiplexer per lane, state bit and extra group'),
        term('mem_ff_mux', mem ? mem.muxBits : 0, ice40 ? 0.9 : 0.45, 'membrane memory too small for block RAM: its read multiplexer'),
        term('mem_offset', offset, 2, 'narrow stored membranes: V − vMin on the write, + vMin on the read, per stored bit'),
        term('counters', counters, 2, 'group and timestep counters'),
        term('control', 1, 15, 'handshakes and enables'),
        term('mem_control', mem ? 1 : 0, 6, 'RAM read stage: valid, read enable, bank select'),
      ],
      [
        term('state_bits', mem ? 0 : d.neurons * d.width, 1, 'membrane register file'),
        term('mem_ff_bits', mem ? mem.ffBits : 0, 1, 'membrane memory in flip-flops (too small for block RAM)'),
        term('stage1_regs', mem ? d.lanes * d.input.bits + d.groupWidth + 2 : 0, 1, 'RAM read stage: currents, group, flags'),
        term('out_regs', d.lanes * (d.width + 1), 1, 'output membrane and spike per lane'),
        term('counter_regs', counters, 1, 'group and timestep counters'),
        term('control_regs', 1, 4, 'valid flags'),
      ],
      [
        term('datapath_carries', carryBits(target, d.lanes * d.calcWidth), 2.9 * carryPerBit(target), 'neuron adders and compares on the carry chain'),
        term('mem_offset_carries', carryBits(target, offset), 2 * carryPerBit(target), 'narrow stored membranes: offset adders'),
      ],
      [term('mem_tiles', mem ? mem.brams : 0, 1, 'membrane memory in block RAM tiles (target facts)')],
    );
  },
  sprams: (d, target) => lifMemoryPlacement(d, target)?.sprams ?? 0,
  rate: (d) => ({ itemsPerCycle: (d.lanes * d.timesteps * d.groups) / (d.timesteps * d.groups + d.bubblesPerSequence), item: 'neuron updates' }),
  memoryBits: (d) => (d.storage.kind === 'registers' ? d.neurons * d.width : (d.storage.kind === 'sp' ? 2 : 1) * d.storage.words * d.storage.wordWidth),
  calibrationSet() {
    const set: Record<string, unknown>[] = [];
    for (const [neurons, lanes] of [
      [4, 4],
      [16, 1],
      [16, 4],
      [16, 16],
      [64, 1],
      [64, 8],
      [32, 2],
      [8, 8],
    ] as const) {
      set.push({ top: 'lif_array', neurons, lanes, timesteps: 4 });
    }
    set.push({ top: 'lif_array', neurons: 16, lanes: 4, timesteps: 4, lif: { reset: 'soft' } });
    set.push({ top: 'lif_array', neurons: 16, lanes: 2, timesteps: 8, lif: { inputWidth: 8 } });
    set.push({ top: 'lif_array', neurons: 8, lanes: 8, timesteps: 4, lif: { tauLog2: 2, decayInput: false } });
    set.push({ top: 'lif_array', neurons: 32, lanes: 4, timesteps: 2, lif: { inputWidth: 24 } });
    // Membranes in RAM: block RAM and flip-flop-sized memories, single-port banks, offsets.
    set.push({ top: 'lif_array', neurons: 256, lanes: 2, timesteps: 4, fold: { membranes: 'memory' } });
    set.push({ top: 'lif_array', neurons: 64, lanes: 4, timesteps: 4, fold: { membranes: 'memory' } });
    set.push({ top: 'lif_array', neurons: 16, lanes: 2, timesteps: 4, fold: { membranes: 'memory' } });
    set.push({ top: 'lif_array', neurons: 512, lanes: 1, timesteps: 4, fold: { membranes: 'memory', memory: 'spram' } });
    set.push({ top: 'lif_array', neurons: 128, lanes: 4, timesteps: 4, fold: { membranes: 'memory' }, lif: { vReset: -0.25, decayInput: false, threshold: 1 } });
    return set;
  },
};
