/**
 * The stream interface of a block's top module (docs/adding-a-block.md): every top is
 * `clk_i`, `rst_ni` and valid/ready streams. The block declares its streams here, once;
 * the manifest, the co-simulation harnesses and the place-and-route shell all read them.
 */

/** One field of a stream: a port `<port>_i` / `<port>_o` of `width` bits. */
export interface StreamField {
  port: string;
  width: number;
}

/**
 * A valid/ready stream of the top module. Ports: `<name>_valid_i`, `<name>_ready_o`
 * and one data port per field for inputs; `<name>_valid_o`, `<name>_ready_i` and
 * `<field>_o` for outputs.
 */
export interface StreamSpec {
  name: string;
  fields: StreamField[];
}

/** The top module's name and its streams. */
export interface TopPorts {
  top: string;
  inputs: StreamSpec[];
  outputs: StreamSpec[];
}

/** One transfer on a stream: one unsigned value per field, in field order. */
export type Beat = bigint[];
export type StreamBeats = Record<string, Beat[]>;
