/**
 * A byte link to a board (docs/board.md, the host script): what `spikeforge board run`
 * writes frames into and reads responses from. Two kinds, one interface, so the host's
 * framing code is the same for both: a serial port (src/tools/serial.ts) and the
 * simulated board, a Verilator process behind stdin/stdout (src/cosim/board.ts).
 */
import type { Readable, Writable } from 'node:stream';

export interface ByteLink {
  /** What the link is, for messages ("/dev/ttyUSB1 at 115200 baud"). */
  readonly name: string;
  write(bytes: Uint8Array): Promise<void>;
  /**
   * Exactly `n` bytes; fewer when the link stays silent for `idleMs` (or closes) before
   * they have all arrived.
   */
  read(n: number, idleMs: number): Promise<Uint8Array>;
  /** Bytes that arrived and were not read (left over after a response). */
  pending(): number;
  close(): Promise<void>;
}

/** A ByteLink over a readable and a writable stream (a tty, a child's pipes). */
export class StreamLink implements ByteLink {
  private chunks: Buffer[] = [];
  private have = 0;
  private ended = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(
    readonly name: string,
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {
    input.on('data', (c: Buffer) => {
      this.chunks.push(c);
      this.have += c.length;
      this.poke();
    });
    input.on('end', () => {
      this.ended = true;
      this.poke();
    });
    input.on('error', (e: Error) => {
      this.failure = e;
      this.poke();
    });
    // A write to a link whose other end has gone is reported by read() (it ends).
    output.on('error', () => {});
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve) => {
      if (this.output.write(bytes)) resolve();
      else this.output.once('drain', () => resolve());
      // A closed pipe never drains: the read that follows sees the end.
      this.output.once('close', () => resolve());
    });
  }

  async read(n: number, idleMs: number): Promise<Uint8Array> {
    while (this.have < n && !this.ended && !this.failure) {
      const before = this.have;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, idleMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      if (this.have === before && !this.ended) break;
    }
    if (this.failure && this.have < n) throw this.failure;
    const all = Buffer.concat(this.chunks);
    const out = all.subarray(0, Math.min(n, all.length));
    this.chunks = [all.subarray(out.length)];
    this.have = all.length - out.length;
    return new Uint8Array(out);
  }

  pending(): number {
    return this.have;
  }

  async close(): Promise<void> {
    await this.onClose();
  }
}
