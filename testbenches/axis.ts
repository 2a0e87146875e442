/**
 * Co-simulation through the AXI4-Stream wrapper (config `axis`, src/blocks/axis.ts): a
 * block's harness wrapped so that its beats go in packed into tdata with tlast on the last
 * beat of every frame, and the wrapper's output beats come back unpacked into the block's
 * fields. The output tlast and the zero padding are checked on the way (fault()), so a
 * wrong tlast fails the run instead of passing unseen.
 */
import { mask } from '../src/base/bits.js';
import type { AxisPlan, AxisStream } from '../src/blocks/axis.js';
import type { Beat, StreamBeats } from '../src/blocks/ports.js';
import type { BlockHarness } from './types.js';

/** One beat of the block's fields as the wrapper's [tdata, tlast]. */
export function packBeat(s: AxisStream, beat: Beat, last: boolean): Beat {
  let tdata = 0n;
  s.fields.forEach((f, i) => {
    tdata |= ((beat[i] ?? 0n) & mask(f.width)) << BigInt(f.offset);
  });
  return [tdata, last ? 1n : 0n];
}

/** The block's fields of a tdata word. */
export function unpackTdata(s: AxisStream, tdata: bigint): Beat {
  return s.fields.map((f) => (tdata >> BigInt(f.offset)) & mask(f.width));
}

/** Whether beat `index` of a stream is the last of its frame. */
export function isLast(s: AxisStream, index: number): boolean {
  return index % s.beats === s.beats - 1;
}

/** The block's input beats as the wrapper takes them: tdata packed, tlast on the last beat of every frame. */
export function toAxisBeats(plan: AxisPlan, beats: StreamBeats): StreamBeats {
  return Object.fromEntries(plan.inputs.map((s) => [s.name, (beats[s.name] ?? []).map((b, i) => packBeat(s, b, isLast(s, i)))]));
}

/** The wrapper's output beats as the block's, and the first framing fault (tlast, padding). */
export function fromAxisBeats(plan: AxisPlan, out: StreamBeats): { beats: StreamBeats; fault: string | null } {
  let fault: string | null = null;
  const beats: StreamBeats = {};
  for (const s of plan.outputs) {
    beats[s.name] = (out[s.name] ?? []).map(([tdata = 0n, tlast = 0n], i) => {
      const want = isLast(s, i) ? 1n : 0n;
      if (!fault && tlast !== want) fault = `stream ${s.name} beat ${i}: tlast ${tlast}, expected ${want} (${s.beats} beat(s) per frame: ${s.what})`;
      if (!fault && tdata >> BigInt(s.dataWidth) !== 0n) fault = `stream ${s.name} beat ${i}: tdata padding above bit ${s.dataWidth - 1} is not 0`;
      return unpackTdata(s, tdata);
    });
  }
  return { beats, fault };
}

/** `inner` driven through the wrapper that `plan(d)` describes. */
export function axisHarness<D, I, O>(inner: BlockHarness<D, I, O>, plan: (d: D) => AxisPlan): BlockHarness<D, I, O> {
  return {
    // The wrapper passes the core's observation ports through unchanged (generators/axis.ts).
    ...(inner.observe ? { observe: inner.observe } : {}),
    encode: (d, cases) => toAxisBeats(plan(d), inner.encode(d, cases)),
    expectedBeats: (d, cases) => inner.expectedBeats(d, cases),
    outputBeats: (d, cases, outputs) => {
      const p = plan(d);
      const beats = inner.outputBeats(d, cases, outputs);
      return Object.fromEntries(p.outputs.map((s) => [s.name, (beats[s.name] ?? []).map((b, i) => packBeat(s, b, isLast(s, i)))]));
    },
    decode: (d, cases, out) => inner.decode(d, cases, fromAxisBeats(plan(d), out).beats),
    stimulus: (d, rng, count) => inner.stimulus(d, rng, count),
    fault: (d, cases, out) => {
      const { beats, fault } = fromAxisBeats(plan(d), out);
      return fault ?? inner.fault?.(d, cases, beats) ?? null;
    },
  };
}
