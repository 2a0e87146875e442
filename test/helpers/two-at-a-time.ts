/**
 * Runs tool-heavy test bodies at most two at a time inside a describe.concurrent block: the
 * machines have 2 cores, and more simultaneous Verilator or Yosys runs only slow each other.
 */
let running = 0;
const waiting: (() => void)[] = [];

export async function twoAtATime<T>(work: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((go) => waiting.push(go));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}
