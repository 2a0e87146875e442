/**
 * The stream interface of a block's top module (docs/adding-a-block.md): every top is
 * `clk_i`, `rst_ni` and valid/ready streams. The block declares its streams here, once;
 * the manifest, the co-simulation harnesses and the place-and-route shell all read them.
 */

/** One field of a stream: a port `<port>_i` / `<port>_o` of `width` bits. */
export interface StreamField {
  port: string;
  width: number;
  /** Lanes of this field are two's complement (default: unsigned). */
  signed?: boolean;
  /** What the field carries and its bit order, for the interface page. */
  doc?: string;
}

/**
 * A valid/ready stream of the top module. Ports: `<name>_valid_i`, `<name>_ready_o`
 * and one data port per field for inputs; `<name>_valid_o`, `<name>_ready_i` and
 * `<field>_o` for outputs.
 */
export interface StreamSpec {
  name: string;
  fields: StreamField[];
  /**
   * The handshake ports' names without the direction suffix, when they are not
   * `<name>_valid` / `<name>_ready` (the AXI4-Stream wrapper's `<name>_tvalid`, `<name>_tready`).
   */
  valid?: string;
  ready?: string;
}

/**
 * A status output of the top outside every stream (the AXI4-Stream wrapper's sticky
 * `error_o`): 0 in a correct run. The harnesses report every change of its value.
 */
export interface FlagPort {
  port: string;
  doc: string;
}

/** The top module's name and its streams. */
export interface TopPorts {
  top: string;
  inputs: StreamSpec[];
  outputs: StreamSpec[];
  /**
   * Observation streams of the co-simulation build only (`SPIKEFORGE_OBSERVE`,
   * docs/verification.md): valid-only outputs `<name>_valid_o` plus `<field>_o`, captured on
   * every cycle their valid is high; nothing can stall them. The block's ports() never lists
   * them (the synthesised top and the manifest do not have them); the co-simulation adds the
   * harness's (testbenches/types.ts, `observe`) when its simulator builds with the macro.
   */
  observe?: StreamSpec[];
  flags?: FlagPort[];
}

/** The valid port of a stream: `<name>_valid_i` on an input, `<name>_valid_o` on an output. */
export function validPort(s: StreamSpec, dir: 'in' | 'out'): string {
  return `${s.valid ?? `${s.name}_valid`}_${dir === 'in' ? 'i' : 'o'}`;
}

/** The ready port of a stream: `<name>_ready_o` on an input, `<name>_ready_i` on an output. */
export function readyPort(s: StreamSpec, dir: 'in' | 'out'): string {
  return `${s.ready ?? `${s.name}_ready`}_${dir === 'in' ? 'o' : 'i'}`;
}

/** A field's port: `<port>_i` on an input stream, `<port>_o` on an output stream. */
export function fieldPort(f: StreamField, dir: 'in' | 'out'): string {
  return `${f.port}_${dir === 'in' ? 'i' : 'o'}`;
}

/**
 * Beats per frame of each stream (BlockSpec.frames): the AXI4-Stream wrapper raises tlast
 * on the last beat of every frame, and checks it there on inputs. `what` says what a frame
 * is, for the docs ("one timestep: N key rows").
 */
export type StreamFrames = Record<string, { beats: number; what: string }>;

/** One transfer on a stream: one unsigned value per field, in field order. */
export type Beat = bigint[];
export type StreamBeats = Record<string, Beat[]>;
