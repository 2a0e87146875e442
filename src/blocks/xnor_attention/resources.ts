/**
 * Resource model of `xnor_attention` (SPEC §3; generators/xnor_attention.ts).
 *
 * Per lane: the popcount of the match (XNOR, or AND on the D spike bits) of D + G bits,
 * its cost taken from the generator's own popcount plan (which folds the match into its
 * leaves where it can), the count register, and
 * with Log-PE a bias lane and the count + bias adder; one key-buffer bank of
 * 2·2^clog2(beats) words × (D + G) bits. Shared: the Q row register, Gray-code generation,
 * the load/issue counters and the pipeline's valid/index registers.
 *
 * Key buffer (measured with Yosys 0.23 synth_ice40): a bank of 8 or more words goes to
 * SB_RAM40_4K (its read register inside the RAM); 2 or 4 words stay in flip-flops, read
 * through a LUT mux. The generic LUT6 flow never infers block RAM: every bank is
 * flip-flops plus a read mux.
 */
import { targetFor } from '../../targets/index.js';
import { enginePopcount, type XnorDerived } from './derive.js';
import { pipelineRegisters } from '../../parts/popcount-pipeline.js';
import { carryBits, carryPerBit, term, terms, type BlockResourceModel, type EstimateTarget, type TermsByResource } from '../../targets/cost.js';
import { popcountTerms } from '../../parts/popcount.js';
import { logPeLaneTerms } from '../logpe_bias/resources.js';

function keyBufferInBram(d: XnorDerived, target: EstimateTarget): boolean {
  return targetFor(target).ramInBram(d.keyBuffer.words, d.keyBuffer.width);
}

export const xnorAttentionResources: BlockResourceModel<XnorDerived> = {
  block: 'xnor_attention',
  terms(d, target): TermsByResource {
    const lanes = d.lanes;
    const rowBits = d.countBits;
    const words = d.keyBuffer.words;
    const bram = keyBufferInBram(d, target);
    // Not in block RAM: distributed RAM where the target has it (xc7), else flip-flops.
    const lutramLuts = bram ? 0 : targetFor(target).lutramLuts(words, rowBits);
    const inFfs = !bram && lutramLuts === 0;
    // The engine counts the match of q and k inside the popcount: AND on the D spike bits
    // (similarity "and"), XNOR on the rest (SPEC §3; generators/popcount.ts).
    const pc = popcountTerms('', lanes, rowBits, d.popcount, { andBits: d.similarity === 'and' ? d.dim : 0 }, target);
    const lp = d.logPe ? logPeLaneTerms('', d.logPe, lanes, target) : { luts: [], ffs: [], carries: [], brams: [] };
    const logPeOn = d.logPe !== null;
    const posBits = d.gray ? (d.gray.grid ? d.gray.grid.rowBits + d.gray.grid.colBits : d.gray.posWidth) : 0;
    const counters = 2 * d.idxWidth + (d.beats > 1 ? 2 * d.beatWidth : 0) + (lanes > 1 ? d.laneWidth : 0);
    const muxLevels = Math.log2(words);
    // Clocks the bias waits after the Log-PE core (one register stage, two when split).
    const biasDelay = 2 + d.popcountStages - (d.logPeSplit ? 2 : 1);
    return terms(
      [
        ...pc.luts,
        term('keybuf_mux_bits', inFfs ? lanes * rowBits * muxLevels : 0, target === 'ice40' ? 1 : 0.4, 'key buffer in flip-flops: read mux, per lane, row bit and address bit'),
        term('keybuf_write', inFfs ? lanes * words : 0, 1, 'key buffer in flip-flops: word write enables'),
        term('keybuf_lutram', lanes * lutramLuts, 1, 'key buffer in distributed RAM (xc7: RAM32M / RAM64M sites and read mux), per lane'),
        term('score_adder', logPeOn ? lanes * d.scoreWidth : 0, 1, 'count + bias adder per lane (Log-PE)'),
        ...lp.luts,
        term('gray_code', posBits, 2, 'Gray code of the key and query positions (position counters + XOR)'),
        term('counters', counters, 2, 'load and issue counters (index, beat, lane) and their compares'),
        term('control', 1, 20, 'handshakes, bank flags and pipeline enables'),
      ],
      [
        term('keybuf_ff_bits', inFfs ? lanes * words * rowBits : 0, 1, 'key buffer in flip-flops: every bit'),
        term('krow_regs', bram ? 0 : lanes * rowBits, 1, 'registered key row per lane (inside the RAM when in BRAM)'),
        term('qrow_reg', rowBits, 1, 'registered query row (+ its Gray code)'),
        term('count_regs', lanes * d.countWidth, 1, 'registered popcount per lane'),
        term('score_regs', logPeOn ? lanes * (d.scoreWidth + (d.logPeLanes?.biasWidth ?? 0) * biasDelay) : 0, 1, 'Log-PE: the bias waiting for its count, and the score register, per lane'),
        ...lp.ffs,
        term('gray_pos_regs', 2 * posBits, 1, 'key and query position counters (Gray-PE)'),
        term('pipeline_regs', d.latency * (2 * d.idxWidth + 2) + counters, 1, 'valid, last and (qi, kj) per stage, load/issue counters'),
        term('control_regs', 1, 6, 'bank flags and the other control bits'),
        term('pc_pipe_regs', lanes * pipelineRegisters(enginePopcount(d)), 1, 'popcount stage registers per lane (from the pipelined plan)'),
        term('logpe_split_regs', d.logPeSplit ? lanes * (d.idxWidth + 1) : 0, 1, 'Log-PE in two stages: |i - j| (and the in-range bit) per lane'),
        term('keybuf_write_regs', d.keyWriteReg ? d.keyBuffer.addrWidth + rowBits + lanes : 0, 1, 'registered key-buffer write port (address, row, per-lane enable)'),
      ],
      [
        ...pc.carries,
        term('score_adder_carries', logPeOn ? carryBits(target, lanes * d.scoreWidth) : 0, carryPerBit(target), 'count + bias adder carries'),
        ...lp.carries,
        term('counter_carries', carryBits(target, counters), carryPerBit(target), 'counter increments'),
      ],
      [term('keybuf_tiles', bram ? lanes * targetFor(target).bramTiles(words, rowBits) : 0, 1, 'key buffer banks in block RAM (one bank per lane; SB_RAM40_4K, or RAMB18 units on xc7)'), ...lp.brams],
    );
  },
  // Steady state: N scores per row in ceil(N / lanes) beats (the key loads overlap).
  rate: (d) => ({ itemsPerCycle: d.seqLen / d.beats, item: 'scores' }),
  memoryBits: (d) => d.keyBuffer.memories * d.keyBuffer.words * d.keyBuffer.width,
  calibrationSet() {
    const set: Record<string, unknown>[] = [];
    const base = { top: 'xnor_attention' };
    // Lanes across both key-buffer regimes, D and N, PEs and similarity, on the auto popcount.
    for (const [seqLen, dim, lanes] of [
      [8, 16, 1],
      [8, 16, 8],
      [12, 32, 1],
      [12, 32, 3],
      [12, 32, 6],
      [12, 32, 12],
      [20, 24, 5],
      [20, 48, 2],
      [16, 64, 4],
      [16, 16, 16],
      [40, 32, 8],
      [64, 32, 2],
    ] as const) {
      set.push({ ...base, seqLen, dim, lanes });
      set.push({ ...base, seqLen, dim, lanes, similarity: 'and', grayPe: { enabled: true }, logPe: { enabled: true } });
    }
    for (const [seqLen, dim, lanes] of [
      [12, 32, 2],
      [30, 32, 4],
      [16, 32, 8],
    ] as const) {
      set.push({ ...base, seqLen, dim, lanes, grayPe: { enabled: true } });
      set.push({ ...base, seqLen, dim, lanes, logPe: { enabled: true } });
    }
    // The other popcount architectures.
    for (const popcount of ['loop', 'gpc63']) {
      set.push({ ...base, seqLen: 12, dim: 32, lanes: 2, popcount });
      set.push({ ...base, seqLen: 16, dim: 48, lanes: 4, popcount, grayPe: { enabled: true } });
    }
    return set;
  },
};
