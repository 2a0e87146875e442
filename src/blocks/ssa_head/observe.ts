/**
 * What the head's co-simulation build shows of its inside (`SPIKEFORGE_OBSERVE`,
 * docs/verification.md, observation): per engine e, three valid-only streams sampled on the
 * handshakes between the stages, in the order the schedule makes them.
 *
 *   obs_score_e<e>  a score beat leaving the XNOR engine: row qi, first key kj, keep mask,
 *                   the lanes' scores (lane l scores key kj + l)
 *   obs_av_e<e>     an O row leaving the A·V stage: D sums of OW bits, feature c at [c*OW +: OW]
 *   obs_mem_e<e>    a beat leaving the LIF array: the membranes after the step of its lanes
 *                   (a whole row with membranes in registers, neuronLanes features in RAM)
 *
 * The generator prints these ports (generators/ssa_head.ts) and the harness decodes them
 * (testbenches/ssa_head.ts); both take the names and widths from here.
 */
import type { StreamSpec } from '../ports.js';
import type { SsaDerived } from './derive.js';

/** Neurons per beat of the LIF array inside a head: a whole O row, or neuronLanes with membranes in RAM. */
export function observedMemLanes(s: SsaDerived): number {
  return s.fold.membranes === 'memory' ? s.lif.lanes : s.dim;
}

/** Membrane beats per O row. */
export function observedMemGroups(s: SsaDerived): number {
  return s.dim / observedMemLanes(s);
}

/** The top's observation ports (`<stream>_valid_o`, `<field>_o`; width 0 is one bit), as the generators print them. */
export function ssaObservePorts(s: SsaDerived): { name: string; width: number }[] {
  return ssaObserveStreams(s).flatMap((st) => [{ name: `${st.name}_valid_o`, width: 0 }, ...st.fields.map((f) => ({ name: `${f.port}_o`, width: f.width }))]);
}

export function ssaObserveStreams(s: SsaDerived): StreamSpec[] {
  const x = s.xnor;
  const streams: StreamSpec[] = [];
  for (let e = 0; e < s.fold.engines; e++) {
    const score = `obs_score_e${e}`;
    const av = `obs_av_e${e}`;
    const mem = `obs_mem_e${e}`;
    streams.push(
      {
        name: score,
        fields: [
          { port: `${score}_qi`, width: x.idxWidth },
          { port: `${score}_kj`, width: x.idxWidth },
          { port: `${score}_keep`, width: x.lanes },
          { port: `${score}_s`, width: x.lanes * x.scoreWidth },
        ],
      },
      { name: av, fields: [{ port: `${av}_o`, width: s.dim * s.oWidth }] },
      { name: mem, fields: [{ port: `${mem}_v`, width: observedMemLanes(s) * s.lif.width }] },
    );
  }
  return streams;
}
