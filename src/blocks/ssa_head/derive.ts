/**
 * Spiking self-attention head derived parameters (SPEC §6). Composed from the blocks'
 * own derive(): the XNOR engine's widths (deriveXnor), the LIF array's (deriveLifCore with
 * the scale folded into threshold and reset value). Only the A·V widths are new here.
 */
import { bitlen, clog2 } from '../../base/bits.js';
import { deriveLifCore, type LifDerived } from '../lif_array/derive.js';
import { deriveXnor, engineCycles, type XnorDerived } from '../xnor_attention/derive.js';
import type { ResolvedConfig } from '../../base/config.js';

export interface SsaDerived {
  name: string;
  /** Attention heads; each works on its own D bits of a D·heads-wide row. */
  heads: number;
  /** D per head, and the full row width D·heads. */
  dim: number;
  width: number;
  seqLen: number;
  timesteps: number;
  scale: number;
  /** The score engine of one head (every head is the same hardware). */
  xnor: XnorDerived;
  /** The N·D attention neurons of one head, D per beat (one O row). */
  lif: LifDerived;
  /** O_t[i][c] ≤ N·S_max: OW = bitlen(N·S_max) (SPEC §4). */
  oMax: number;
  oWidth: number;
  /** V buffer rows per bank: beats·lanes ≥ N, so key index + lane never leaves a bank. */
  rowsPad: number;
  /** Address width of the three-bank V buffer. */
  addrWidth: number;
  /** Cycles from a score beat entering the A·V stage to its spikes leaving: O register + LIF register. */
  tailLatency: number;
}

export function deriveSsa(cfg: ResolvedConfig): SsaDerived {
  const xnor = deriveXnor(cfg);
  const n = xnor.seqLen;
  const d = xnor.dim;
  const oMax = n * xnor.maxScore;
  const oWidth = Math.max(1, bitlen(oMax));
  const lif = deriveLifCore({
    name: cfg.name,
    tauLog2: cfg.lif.tauLog2,
    decayInput: cfg.lif.decayInput,
    // SPEC §6: θ' = θ / scale and Vr' = Vr / scale in IEEE-754 double; X = O·2^F.
    threshold: cfg.lif.threshold / cfg.scale,
    reset: cfg.lif.reset,
    vReset: cfg.lif.vReset / cfg.scale,
    fracBits: cfg.lif.fracBits,
    width: cfg.lif.width,
    input: { bits: oWidth, signed: false, realUnits: true, min: 0n, max: BigInt(oMax) },
    timesteps: xnor.timesteps,
    neurons: n * d,
    lanes: d,
  });
  const rowsPad = xnor.beats * xnor.lanes;
  return {
    name: cfg.name,
    heads: cfg.heads,
    dim: d,
    width: d * cfg.heads,
    seqLen: n,
    timesteps: xnor.timesteps,
    scale: cfg.scale,
    xnor,
    lif,
    oMax,
    oWidth,
    rowsPad,
    addrWidth: Math.max(1, clog2(3 * rowsPad)),
    tailLatency: 2,
  };
}

/**
 * Cycles at full throughput (no input gaps, no back-pressure) for `sequences` sequences back
 * to back, from reset release to the last output row inclusive: the engine's count plus the
 * A·V output register and the LIF register.
 */
export function ssaCycles(s: SsaDerived, sequences: number): number {
  return sequences === 0 ? 0 : engineCycles(s.xnor, sequences * s.timesteps) + s.tailLatency;
}

/** The same as a formula in N, T, lanes, for the manifest. */
export function ssaCycleFormula(s: SsaDerived): string {
  const x = s.xnor;
  return (
    `per sequence (steady state): T*N*ceil(N/lanes) = ${s.timesteps}*${x.seqLen}*${x.beats} = ${s.timesteps * x.seqLen * x.beats}; ` +
    `S sequences back to back from reset: N + S*T*N*ceil(N/lanes) + ${x.latency + s.tailLatency} (engine latency ${x.latency} + A·V 1 + LIF 1)`
  );
}
