/**
 * The block contract, part three: how co-simulation drives a block's top module. The
 * generic harnesses (templates/harness/) move beats; a block's harness only turns cases
 * into beats and beats back into outputs, and chooses the stimulus.
 */
import type { Rng } from '../src/base/rng.js';
import type { StreamBeats, StreamSpec } from '../src/blocks/ports.js';

/** A named input case for co-simulation. */
export interface StimulusCase<I> {
  name: string;
  inputs: I;
}

export interface BlockHarness<D, I, O> {
  /** All cases back to back on the input streams. */
  encode(d: D, cases: I[]): StreamBeats;
  /** The number of beats each output stream must deliver for these cases. */
  expectedBeats(d: D, cases: I[]): Record<string, number>;
  /**
   * The output beats the model's outputs arrive as (decode()'s inverse): the expected
   * stream files of an exported testbench (`generate --testbench`).
   */
  outputBeats(d: D, cases: I[], outputs: O[]): StreamBeats;
  /** Splits the captured output beats back into one output per case. */
  decode(d: D, cases: I[], out: StreamBeats): O[];
  /**
   * Corner, random and (where the input space is small) exhaustive cases.
   * `count` is the number of random cases wanted.
   */
  stimulus(d: D, rng: Rng, count: number): StimulusCase<I>[];
  /**
   * What the co-simulation build shows of the design's inside (`SPIKEFORGE_OBSERVE`,
   * docs/verification.md): the observation streams, and how their beats become the
   * vector format's named internals per case (e.g. `scores`, `av`, `membrane`), placed by
   * index so the order a fold produces them in does not matter. A value the RTL never
   * produced is the string "missing".
   */
  observe?: {
    streams(d: D): StreamSpec[];
    decode(d: D, cases: I[], obs: StreamBeats): Record<string, unknown>[];
  };
  /**
   * Set for a block whose output delivers a beat only every few clocks (the head: one spike
   * row per ceil(N / lanes) score beats, or per dim / neuronLanes neuron beats). A ready
   * that is high on 30–90% of the clocks then almost never holds such an output up, so the
   * stall logic inside (the A·V stage, the LIF array's hazard, the engine's pipeline) would
   * be reached only by luck. verify's back-pressure run scales its output ready probability
   * by the output beats per clock of its full-throughput run instead (src/app/verify.ts).
   */
  pacedBackPressure?: boolean;
  /**
   * A fault in the captured beats that decode() cannot show as a wrong value (the AXI4-Stream
   * wrapper's tlast), or null. Optional: most harnesses put every fault into the values.
   */
  fault?(d: D, cases: I[], out: StreamBeats): string | null;
}
