/**
 * Reference values for proofs, computed independently of the golden model
 * (src/blocks/<block>/model.ts) and of src/base/bits.ts, which the generators use to fill
 * their ROMs: a proof against a reference built from the same functions would share their bugs.
 */

/**
 * The binary-reflected Gray code list of `bits` bits by its construction: the n-bit list is
 * the (n − 1)-bit list, then the same list reversed with bit n − 1 set. (SPEC §1 defines the
 * code by p XOR (p >> 1); the two agree, which test/rom_images.test.ts checks against a
 * hand-written table.)
 */
export function reflectedGray(bits: number): number[] {
  let codes = [0];
  for (let b = 0; b < bits; b++) codes = [...codes, ...[...codes].reverse().map((c) => c + 2 ** b)];
  return codes;
}
