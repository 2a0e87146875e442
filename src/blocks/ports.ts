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
  /**
   * Observation streams of the co-simulation build only (`SPIKEFORGE_OBSERVE`,
   * docs/verification.md): valid-only outputs `<name>_valid_o` plus `<field>_o`, captured on
   * every cycle their valid is high; nothing can stall them. The block's ports() never lists
   * them (the synthesised top and the manifest do not have them); the co-simulation adds the
   * harness's (testbenches/types.ts, `observe`) when its simulator builds with the macro.
   */
  observe?: StreamSpec[];
}

/** One transfer on a stream: one unsigned value per field, in field order. */
export type Beat = bigint[];
export type StreamBeats = Record<string, Beat[]>;
