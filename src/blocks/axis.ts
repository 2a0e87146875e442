/**
 * The AXI4-Stream face of a design (config `axis`, docs/integration.md): a wrapper module
 * `<top>_axis` around the block's top with one AXI4-Stream port per stream (`tvalid`,
 * `tready`, `tdata`, `tlast`) and a sticky `error_o`.
 *
 * Everything here follows from the block's ports() and frames(): `tdata` is the stream's
 * fields packed in field order from bit 0 (the first field in the least significant bits),
 * zero-padded to a whole number of bytes as AXI4-Stream asks; `tlast` is high on the last
 * beat of every frame (a timestep's rows, or every beat for blocks without timesteps).
 */
import type { FlagPort, StreamFrames, StreamSpec, TopPorts } from './ports.js';

export interface AxisField {
  /** The core's field port, without _i/_o. */
  port: string;
  width: number;
  /** Its lowest bit in tdata. */
  offset: number;
}

export interface AxisStream {
  name: string;
  dir: 'in' | 'out';
  /** The block's own stream this one carries. */
  core: StreamSpec;
  fields: AxisField[];
  /** Sum of the field widths. */
  dataWidth: number;
  /** dataWidth rounded up to a multiple of 8. */
  tdataWidth: number;
  /** Beats per frame: tlast on the last of them. */
  beats: number;
  /** What a frame is, in words (StreamFrames). */
  what: string;
  /** The AXI4-Stream port as a stream of the wrapper (fields `<name>_tdata`, `<name>_tlast`). */
  spec: StreamSpec;
}

export interface AxisPlan {
  /** The wrapper module: `<top>_axis`. */
  module: string;
  core: TopPorts;
  inputs: AxisStream[];
  outputs: AxisStream[];
  /** The wrapper's ports: what a user instantiates and the co-simulation drives. */
  ports: TopPorts;
  /**
   * The core's observation streams (SPIKEFORGE_OBSERVE builds only, docs/verification.md),
   * passed through the wrapper under the same macro with the same port names.
   */
  observe: StreamSpec[];
}

export const AXIS_ERROR_FLAG: FlagPort = {
  port: 'error_o',
  doc: 'sticky: an input tlast came on the wrong beat (early, or missing on the last beat of a frame); cleared only by reset',
};

/** The module name of the wrapper around `coreTop`. */
export function axisModule(coreTop: string): string {
  return `${coreTop}_axis`;
}

function axisStream(s: StreamSpec, dir: 'in' | 'out', frames: StreamFrames): AxisStream {
  const frame = frames[s.name];
  // A block's frames() covers every stream of its ports(): a missing one is a bug of the block.
  if (!frame || !Number.isInteger(frame.beats) || frame.beats < 1) throw new Error(`internal: no frame for stream ${s.name}`);
  let offset = 0;
  const fields = s.fields.map((f): AxisField => {
    const field = { port: f.port, width: f.width, offset };
    offset += f.width;
    return field;
  });
  const tdataWidth = Math.ceil(offset / 8) * 8;
  return {
    name: s.name,
    dir,
    core: s,
    fields,
    dataWidth: offset,
    tdataWidth,
    beats: frame.beats,
    what: frame.what,
    spec: {
      name: s.name,
      valid: `${s.name}_tvalid`,
      ready: `${s.name}_tready`,
      fields: [
        {
          port: `${s.name}_tdata`,
          width: tdataWidth,
          doc: `${fields.map((f) => `${f.port} [${f.offset + f.width - 1}:${f.offset}]`).join(', ')}${tdataWidth > offset ? `, 0 above bit ${offset - 1}` : ''} (the core's fields, below)`,
        },
        { port: `${s.name}_tlast`, width: 1, doc: `high on the last beat of every frame (beat ${frame.beats} of ${frame.beats}: ${frame.what})` },
      ],
    },
  };
}

export function axisPlan(core: TopPorts, frames: StreamFrames, observe: StreamSpec[] = []): AxisPlan {
  const inputs = core.inputs.map((s) => axisStream(s, 'in', frames));
  const outputs = core.outputs.map((s) => axisStream(s, 'out', frames));
  const module = axisModule(core.top);
  return {
    module,
    core,
    inputs,
    outputs,
    observe,
    ports: {
      top: module,
      inputs: inputs.map((s) => s.spec),
      outputs: outputs.map((s) => s.spec),
      flags: [AXIS_ERROR_FLAG],
    },
  };
}
