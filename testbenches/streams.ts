/** Helpers shared by every block harness for cutting captured beats back into cases. */
import type { Beat } from '../src/blocks/ports.js';

/** Splits `beats` into consecutive groups of the given sizes; missing beats give short groups. */
export function splitByCounts(beats: Beat[], counts: number[]): Beat[][] {
  const groups: Beat[][] = [];
  let at = 0;
  for (const n of counts) {
    groups.push(beats.slice(at, at + n));
    at += n;
  }
  return groups;
}
