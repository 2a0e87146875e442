/**
 * Energy per operation (docs/energy.md): the published 45 nm figures the operation counts
 * (src/estimate/operations.ts) are multiplied by. An estimate of the energy of the
 * arithmetic only — no memory, registers, clock tree, control or I/O, and not of any FPGA:
 * an FPGA spends many times this on routing and LUTs. It is the number SNN papers report
 * ("theoretical energy"), for comparing designs and inputs with one another.
 */

/** Where every figure comes from (docs/energy.md quotes the table). */
export const HOROWITZ_2014 =
  'M. Horowitz, "1.1 Computing\'s energy problem (and what we can do about it)", IEEE ISSCC 2014, pp. 10–14, doi:10.1109/ISSCC.2014.6757323 (45 nm, 0.9 V)';

/** Horowitz 2014: an 8-bit integer add. */
export const ADD8_PJ = 0.03;
/** Horowitz 2014: a 32-bit integer add. */
export const ADD32_PJ = 0.1;
/** Horowitz 2014: a 32-bit floating-point add — the E_AC of SNN papers (Spikformer, Spike-driven Transformer). */
export const E_AC_PJ = 0.9;
/** Horowitz 2014: a 32-bit floating-point multiply (3.7 pJ) + add: the E_MAC of SNN papers. */
export const E_MAC_PJ = 4.6;

/**
 * An integer add of `width` bits: Horowitz's 8-bit (0.03 pJ) and 32-bit (0.1 pJ) adds,
 * linear in the width between and beyond them (a ripple of full adders: energy grows with the
 * width), and width × 0.03/8 below 8 bits.
 */
export function addPj(width: number): number {
  const w = Math.max(1, width);
  if (w <= 8) return (w * ADD8_PJ) / 8;
  return ADD8_PJ + ((w - 8) * (ADD32_PJ - ADD8_PJ)) / 24;
}

/**
 * One bit of XNOR-popcount: the XNOR (or AND) gate and the full adder that counts its output
 * in the popcount tree (a popcount of n bits is about n full adders). Priced as one bit of
 * Horowitz's 8-bit add, 0.03 / 8 pJ; the gate itself is a fraction of a full adder and is
 * not counted separately.
 */
export const BIT_OP_PJ = ADD8_PJ / 8;

/** Adds of a LIF update: the charge (X into H), the leak, the threshold compare (SPEC §5); the reset is a multiplexer. */
export const LIF_ADDS_PER_UPDATE = 3;

/** Rounds energies for reports: 4 significant digits. */
export function roundPj(v: number): number {
  return v === 0 ? 0 : Number(v.toPrecision(4));
}
