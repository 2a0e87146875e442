/**
 * Resource model of `lif_array` (SPEC §5; generators/lif_array.ts): `lanes` neuron
 * datapaths (charge, saturate, compare, reset on calcWidth-bit arithmetic), a register
 * file of `neurons` W-bit membranes read through a groups:1 multiplexer per lane
 * (groups = neurons / lanes), and the output registers.
 */
import type { LifDerived } from './derive.js';
import { bitlen } from '../../base/bits.js';
import { carryBits, carryPerBit, term, terms, type BlockResourceModel, type TermsByResource } from '../../targets/cost.js';

export const lifArrayResources: BlockResourceModel<LifDerived> = {
  block: 'lif_array',
  terms(d, target): TermsByResource {
    const ice40 = target === 'ice40';
    const muxInputs = d.groups > 1 ? d.groups - 1 : 0;
    const counters = bitlen(Math.max(1, d.groups - 1)) + bitlen(Math.max(1, d.timesteps - 1));
    return terms(
      [
        term('datapath_bits', d.lanes * d.calcWidth, ice40 ? 5.4 : 3.5, 'neuron datapath per lane and arithmetic bit (docs/lif_array.md: 87 LUT4 for W = 16)'),
        term('state_mux', d.lanes * d.width * muxInputs, ice40 ? 0.9 : 0.45, 'membrane read multiplexer: per lane, state bit and extra group'),
        term('counters', counters, 2, 'group and timestep counters'),
        term('control', 1, 15, 'handshakes and enables'),
      ],
      [
        term('state_bits', d.neurons * d.width, 1, 'membrane register file'),
        term('out_regs', d.lanes * (d.width + 1), 1, 'output membrane and spike per lane'),
        term('counter_regs', counters, 1, 'group and timestep counters'),
        term('control_regs', 1, 4, 'valid flags'),
      ],
      [term('datapath_carries', carryBits(target, d.lanes * d.calcWidth), 2.9 * carryPerBit(target), 'neuron adders and compares on the carry chain')],
      [],
    );
  },
  rate: (d) => ({ itemsPerCycle: d.lanes, item: 'neuron updates' }),
  memoryBits: (d) => d.neurons * d.width,
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
    return set;
  },
};
