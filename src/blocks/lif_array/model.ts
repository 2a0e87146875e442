/**
 * LIF golden model (SPEC §5): multi-step spikingjelly LIFNode in fixed point, units of 2^−F.
 * Pure and exact at any width: every value is a bigint (membranes reach 41 bits and more).
 *
 * bigint `>>` is an arithmetic shift, i.e. floor division by 2^k for negative values too,
 * which is exactly SPEC §5's `>>>`.
 */

/**
 * The parameters the model reads (derive.ts's LifDerived has them all). Declared here, not
 * imported, so the model stands below derive(), which uses charge() for its bounds.
 */
export interface LifStepParams {
  tauLog2: number;
  decayInput: boolean;
  reset: 'hard' | 'soft';
  /** W: membrane width (two's complement). */
  width: number;
  thetaFx: bigint;
  vResetFx: bigint;
}
export interface LifRunParams extends LifStepParams {
  timesteps: number;
  neurons: number;
}

/**
 * The charge before saturation:
 *   decayInput:      H = V + ((X − (V − Vr)) >>> k)
 *   not decayInput:  H = V − ((V − Vr) >>> k) + X
 */
export function charge(tauLog2: number, decayInput: boolean, vResetFx: bigint, v: bigint, x: bigint): bigint {
  const k = BigInt(tauLog2);
  return decayInput ? v + ((x - (v - vResetFx)) >> k) : v - ((v - vResetFx) >> k) + x;
}

/** saturate_W: clamp to the W-bit two's complement range. */
export function saturate(value: bigint, width: number): bigint {
  const half = 1n << BigInt(width - 1);
  if (value >= half) return half - 1n;
  if (value < -half) return -half;
  return value;
}

export interface LifStep {
  spike: 0 | 1;
  /** V after the step (the membrane the vector files and the RTL's mem_o carry). */
  v: bigint;
}

/** One timestep of one neuron: V (state before the step, Vr_fx at t = 0), X → S, V'. */
export function lifStep(d: LifStepParams, v: bigint, x: bigint): LifStep {
  const h = saturate(charge(d.tauLog2, d.decayInput, d.vResetFx, v, x), d.width);
  if (h < d.thetaFx) return { spike: 0, v: h };
  return { spike: 1, v: d.reset === 'hard' ? d.vResetFx : saturate(h - d.thetaFx, d.width) };
}

export interface LifRunResult {
  /** T×M spikes. */
  spikes: number[][];
  /** T×M membranes V after each step, units of 2^−F. */
  membrane: bigint[][];
}

/** One sequence: currents T×M (units of 2^−F), every neuron starting from V = Vr_fx. */
export function lifRun(d: LifRunParams, currents: bigint[][]): LifRunResult {
  if (currents.length !== d.timesteps || currents.some((row) => row.length !== d.neurons)) {
    throw new RangeError(`lifRun: currents must be ${d.timesteps}×${d.neurons}`);
  }
  let v: bigint[] = Array.from({ length: d.neurons }, () => d.vResetFx);
  const spikes: number[][] = [];
  const membrane: bigint[][] = [];
  for (const row of currents) {
    const steps = row.map((x, i) => lifStep(d, v[i]!, x));
    v = steps.map((s) => s.v);
    spikes.push(steps.map((s) => s.spike));
    membrane.push(v);
  }
  return { spikes, membrane };
}

export interface LifArrayInputs {
  /** T×M currents X in units of 2^−F. */
  currents: bigint[][];
}
export type LifArrayOutputs = LifRunResult;

/** The lif_array block: one sequence per case. */
export function lifArrayModel(d: LifRunParams, inputs: LifArrayInputs): LifArrayOutputs {
  return lifRun(d, inputs.currents);
}
