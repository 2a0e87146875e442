/**
 * The RAM part: every memory a block writes at run time (key and V buffers, neuron
 * membranes) is one of two behavioural styles that Verilator and Icarus simulate as
 * written and Yosys maps to the target's memories (measured with Yosys 0.23; the rules are
 * in src/targets/<target>.ts):
 *
 *   sdp  simple dual port: one write port and one registered read port with a read enable,
 *        `(* no_rw_check *)` on the array. iCE40 SB_RAM40_4K, xc7 RAMB18/RAMB36 or LUTRAM.
 *        A read of the word written in the same cycle is undefined on the hardware (the
 *        simulators return the old word): a user of the part must never depend on it.
 *   sp   single port in the "no change" form (read only when not writing). On the iCE40
 *        UP5K with `synth_ice40 -spram` it maps to SB_SPRAM256KA (from 8K x 16 up, or
 *        always with `huge`); elsewhere to block RAM. Read data is valid only in the cycle
 *        after a read: the SPRAM drives X after a write.
 *
 * No reset on the read data: a reset read register still maps, but costs a LUT per bit.
 */
import { indexWidth } from '../base/bits.js';
import { ice40Sprams } from '../targets/ice40.js';
import type { Target } from '../targets/types.js';

export type RamKind = 'sdp' | 'sp';

export interface RamPlan {
  kind: RamKind;
  /** Words and bits per word. */
  depth: number;
  width: number;
  /** max(1, clog2(depth)). */
  addrWidth: number;
  /**
   * sp only: ask for SB_SPRAM256KA whatever the size (`(* ram_style = "huge" *)`). Only for
   * designs meant for the UP5K: Yosys rejects the attribute on xc7 and honours it on an
   * HX8K, which has no SPRAM.
   */
  huge: boolean;
}

export function planRam(kind: RamKind, depth: number, width: number, huge = false): RamPlan {
  if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`RAM depth ${depth}`);
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`RAM width ${width}`);
  if (huge && kind !== 'sp') throw new RangeError('only a single-port RAM can be an SPRAM');
  return { kind, depth, width, addrWidth: indexWidth(depth), huge };
}

/** Where a planned memory lands on a target, from the target facts (src/targets/). */
export interface RamPlacement {
  /** Block RAM tiles (SB_RAM40_4K on iCE40), SPRAM macros (SB_SPRAM256KA), or neither. */
  brams: number;
  sprams: number;
  /** In flip-flops: every bit, plus a read multiplexer of (depth − 1) inputs per read bit. */
  ffBits: number;
  muxBits: number;
}

/**
 * The placement Yosys 0.23 chooses (measured, docs/fpga.md): a single-port RAM with the
 * SPRAM attribute goes to SB_SPRAM256KA on iCE40 whatever its size; a simple dual-port RAM
 * to block RAM when the target's rule says so; anything else to flip-flops.
 */
export function ramPlacement(plan: RamPlan, target: Target): RamPlacement {
  if (plan.huge && target.name === 'ice40') return { brams: 0, sprams: ice40Sprams(plan.depth, plan.width), ffBits: 0, muxBits: 0 };
  if (target.ramInBram(plan.depth, plan.width)) return { brams: target.bramTiles(plan.depth, plan.width), sprams: 0, ffBits: 0, muxBits: 0 };
  return { brams: 0, sprams: 0, ffBits: plan.depth * plan.width, muxBits: (plan.depth - 1) * plan.width };
}
