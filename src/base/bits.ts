/**
 * Integer helpers shared by every model and derivation. Definitions follow SPEC §0.
 */

/** Number of bits of a non-negative integer: bitlen(0)=0, bitlen(1)=1, bitlen(5)=3. */
export function bitlen(x: number | bigint): number {
  if (typeof x === 'bigint') {
    if (x < 0n) throw new RangeError(`bitlen of negative ${x}`);
    return x === 0n ? 0 : x.toString(2).length;
  }
  if (!Number.isInteger(x) || x < 0) throw new RangeError(`bitlen of ${x}`);
  return x < 2 ** 32 ? 32 - Math.clz32(x) : x.toString(2).length;
}

/** ceil(log2(x)) for x >= 1; clog2(1) = 0. */
export function clog2(x: number): number {
  if (!Number.isInteger(x) || x < 1) throw new RangeError(`clog2 of ${x}`);
  return bitlen(x - 1);
}

/** Bits needed to index `count` things (at least 1, so a port never has width 0). */
export function indexWidth(count: number): number {
  return Math.max(1, clog2(count));
}

export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export function popcount(x: bigint): number {
  let n = 0;
  while (x > 0n) {
    n += popcount32(Number(x & 0xffffffffn));
    x >>= 32n;
  }
  return n;
}

export function mask(width: number): bigint {
  return (1n << BigInt(width)) - 1n;
}

/** Lowercase hex without 0x, zero-padded to ceil(width/4) digits (SPEC §0 spike rows). */
export function toHex(value: bigint, width: number): string {
  return value.toString(16).padStart(Math.max(1, Math.ceil(width / 4)), '0');
}

/** Parses hex digits (no prefix); returns null when the text is not hex. */
export function parseHex(text: string): bigint | null {
  if (!/^[0-9a-fA-F]+$/.test(text)) return null;
  return BigInt(`0x${text}`);
}

/** Two's complement encoding of a signed value in `width` bits, as an unsigned bigint. */
export function toUnsigned(value: bigint, width: number): bigint {
  return value & mask(width);
}

/** Interprets the low `width` bits of `value` as two's complement. */
export function toSigned(value: bigint, width: number): bigint {
  const v = value & mask(width);
  return v >> BigInt(width - 1) ? v - (1n << BigInt(width)) : v;
}
